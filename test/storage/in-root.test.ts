import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { resolveUser } from '../../src/containers/user-lookup.js'
import { mkdirInRoot, readFileInRoot, resolveInRoot } from '../../src/storage/in-root.js'

const test = suite('in-root: paths inside a container tree never leave it')

function tree (): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-inroot-'))
  fs.mkdirSync(path.join(root, 'etc'))
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n')
  fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\n')
  return root
}

test('absolute and ../ symlinks resolve inside the root', () => {
  const root = tree()
  try {
    fs.symlinkSync('/etc', path.join(root, 'abs'))
    fs.symlinkSync('../../../../etc', path.join(root, 'up'))
    assert.is(resolveInRoot(root, '/abs/passwd'), path.join(root, 'etc', 'passwd'))
    assert.is(resolveInRoot(root, '/up/passwd'), path.join(root, 'etc', 'passwd'))
    assert.is(resolveInRoot(root, '/../../etc/passwd'), path.join(root, 'etc', 'passwd'))
    fs.symlinkSync('loop', path.join(root, 'loop'))
    assert.throws(() => resolveInRoot(root, '/loop/x'), /too many levels of symbolic links/)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test('a passwd that is a symlink to the host file is read from the container tree', () => {
  const root = tree()
  try {
    fs.rmSync(path.join(root, 'etc', 'passwd'))
    fs.symlinkSync('/etc/shadow-not-here', path.join(root, 'etc', 'passwd'))
    assert.is(readFileInRoot(root, '/etc/passwd'), undefined)
    assert.throws(() => resolveUser(root, 'root'), /unable to find user root: no matching entries in passwd file/)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test('mkdirInRoot follows a symlinked parent inside the root only', () => {
  const root = tree()
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-outside-'))
  try {
    fs.symlinkSync(outside, path.join(root, 'srv'))
    mkdirInRoot(root, '/srv/app/data')
    assert.ok(fs.statSync(path.join(root, outside, 'app', 'data')).isDirectory())
    assert.equal(fs.readdirSync(outside), [])
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
    fs.rmSync(outside, { recursive: true, force: true })
  }
})

test('resolveUser: names, numeric IDs, groups, supplementary groups', () => {
  const root = tree()
  try {
    assert.equal(resolveUser(root, undefined), { uid: 0, gid: 0 })
    assert.equal(resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [10] })
    assert.equal(resolveUser(root, '1000'), { uid: 1000, gid: 1000, additionalGids: [10] })
    assert.equal(resolveUser(root, '4242'), { uid: 4242, gid: 0 })
    assert.equal(resolveUser(root, 'app:wheel'), { uid: 1000, gid: 10 })
    assert.equal(resolveUser(root, '5:7'), { uid: 5, gid: 7 })
    assert.throws(() => resolveUser(root, 'app:nogroup'), /unable to find group nogroup: no matching entries in group file/)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test.run()
