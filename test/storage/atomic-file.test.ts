import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isConfigFileName } from '../../src/network/cni-config.js'
import { removeFileDurable, tempPathFor, writeFileAtomic, writeFileAtomicSync } from '../../src/storage/atomic-file.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('atomic-file')

const writers = [
  ['sync', async (file: string, data: string | Uint8Array, mode?: number) => { writeFileAtomicSync(file, data, mode) }],
  ['async', writeFileAtomic],
] as const

test('the temp name is a dotfile beside the target that no CNI reader takes for a config', () => {
  const tmp = tempPathFor('/etc/cni/net.d/podctl-web.conflist')
  assert.is(path.dirname(tmp), '/etc/cni/net.d')
  assert.match(path.basename(tmp), /^\.podctl-web\.conflist\.tmp-[0-9a-f]{12}$/)
  assert.is(isConfigFileName(path.basename(tmp)), false)
  assert.is.not(tempPathFor('/x/a.json'), tempPathFor('/x/a.json'))
})

for (const [kind, write] of writers) {
  test(`${kind}: writes new content with the mode and leaves no temp file`, () => withTempDir(async dir => {
    const file = path.join(dir, 'a.json')
    await write(file, '{"a":1}', 0o600)
    assert.is(fs.readFileSync(file, 'utf8'), '{"a":1}')
    assert.is(fs.statSync(file).mode & 0o777, 0o600)
    await write(file, Buffer.from('second'))
    assert.is(fs.readFileSync(file, 'utf8'), 'second')
    assert.is(fs.statSync(file).mode & 0o777, 0o644)
    assert.equal(fs.readdirSync(dir), ['a.json'])
  }))

  test(`${kind}: a failed rename leaves the target as it was and no temp file`, () => withTempDir(async dir => {
    const target = path.join(dir, 'busy')
    fs.mkdirSync(target)
    fs.writeFileSync(path.join(target, 'inside'), 'keep')
    let err: NodeJS.ErrnoException | undefined
    try { await write(target, 'new') } catch (e) { err = e as NodeJS.ErrnoException }
    assert.ok(err !== undefined && ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code ?? ''), String(err))
    assert.equal(fs.readdirSync(dir), ['busy'])
    assert.is(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'keep')
  }))

  test(`${kind}: a missing dir fails with ENOENT and creates nothing`, () => withTempDir(async dir => {
    let err: NodeJS.ErrnoException | undefined
    try { await write(path.join(dir, 'nodir', 'f'), 'x') } catch (e) { err = e as NodeJS.ErrnoException }
    assert.is(err?.code, 'ENOENT')
    assert.equal(fs.readdirSync(dir), [])
  }))
}

test('removeFileDurable: true when it removed the file, false when it was already gone', () => withTempDir(async dir => {
  const file = path.join(dir, 'f')
  fs.writeFileSync(file, 'x')
  assert.is(await removeFileDurable(file), true)
  assert.is(fs.existsSync(file), false)
  assert.is(await removeFileDurable(file), false)
}))

test.run()
