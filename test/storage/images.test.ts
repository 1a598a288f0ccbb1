import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createContainer } from '../../src/containers/create-container.js'
import { teardownContainerStorage } from '../../src/containers/teardown.js'
import { isPodctlError } from '../../src/errors.js'
import { removeImage } from '../../src/images/remove-image.js'
import { importImage, validateImageName } from '../../src/storage/images.js'
import { ensureInfraRootfs } from '../../src/storage/infra-rootfs.js'
import { paths } from '../../src/storage/paths.js'
import { listImages, lookupImage } from '../../src/state/image-rows.js'
import { buildBusyboxRootfs, importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'

const test = suite('images')

async function thrown (fn: () => unknown): Promise<{ code: string, message: string }> {
  try { await fn() } catch (err) { assert.ok(isPodctlError(err)); return { code: err.code, message: err.message } }
  throw new Error('expected a throw')
}

test('import from a directory: files under storage/images/<id>/rootfs, row with :latest', () => withTestHost(async h => {
  const img = await importBusyboxImage(h, 'bb')
  assert.is(img.name, 'bb:latest')
  assert.ok(fs.statSync(path.join(paths.imageRootfs(h.config, img.id), 'bin', 'busybox')).isFile())
  assert.is(fs.readlinkSync(path.join(paths.imageRootfs(h.config, img.id), 'bin', 'sh')), 'busybox')
  assert.is(lookupImage(h.store, 'bb')?.id, img.id)
  assert.is(lookupImage(h.store, img.id.slice(0, 10))?.id, img.id)
  assert.equal(fs.readdirSync(paths.images(h.config)), [img.id])
}))

test('import from a tarball', () => withTestHost(async h => {
  const dir = buildBusyboxRootfs()
  try {
    const tar = path.join(h.dir, 'rootfs.tar')
    execFileSync('tar', ['-cf', tar, '-C', dir, '.'])
    const img = await importImage(h, tar, 'tarred:v1')
    assert.ok(fs.existsSync(path.join(paths.imageRootfs(h.config, img.id), 'bin', 'busybox')))
    assert.is(img.name, 'tarred:v1')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}))

test('bad names, missing sources and duplicates leave nothing behind', () => withTestHost(async h => {
  assert.is((await thrown(() => validateImageName('Bad Name'))).message, 'invalid reference format: "Bad Name"')
  assert.is((await thrown(() => validateImageName('a/../b'))).message, 'invalid reference format: "a/../b"')
  await importBusyboxImage(h, 'bb')
  let err: unknown
  try { await importImage(h, '/no/such/rootfs', 'x') } catch (e) { err = e }
  assert.is((err as Error).message, '/no/such/rootfs: no such file or directory')
  try { await importBusyboxImage(h, 'bb') } catch (e) { err = e }
  assert.is((err as Error).message, 'image name "bb:latest" is already in use: image already exists')
  assert.is(listImages(h.store).length, 1)
  assert.is(fs.readdirSync(paths.images(h.config)).length, 1)
}))

test('rm is refused while a container uses the image; -f keeps the files until the last user goes', () => withTestHost(async h => {
  const img = await importBusyboxImage(h)
  const c = await createContainer(h, { image: 'busybox', command: ['true'] })
  const err = await thrown(() => removeImage(h, 'busybox'))
  assert.equal(err, { code: 'IN_USE', message: `image used by ${c.id}: image is in use by a container: consider listing external containers and force-removing image` })
  await removeImage(h, 'busybox', true)
  assert.is(lookupImage(h.store, 'busybox'), undefined)
  assert.ok(fs.existsSync(paths.imageRootfs(h.config, img.id)), 'files stay while used')
  await teardownContainerStorage(h, c)
  h.store.write(() => h.store.db.prepare('DELETE FROM containers').run())
  assert.not.ok(fs.existsSync(paths.image(h.config, img.id)), 'last user gone: files gone')
}))

test('rm of an unused image removes row and files', () => withTestHost(async h => {
  const img = await importBusyboxImage(h)
  await removeImage(h, img.id)
  assert.equal(listImages(h.store), [])
  assert.not.ok(fs.existsSync(paths.image(h.config, img.id)))
  assert.equal(await thrown(() => removeImage(h, 'busybox')), { code: 'NO_SUCH_IMAGE', message: 'busybox: image not known' })
}))

test('infra rootfs: built once with a static catatonit, no temp dirs left', () => withTestHost(async h => {
  const dir = await ensureInfraRootfs(h)
  const ino = fs.statSync(dir).ino
  assert.ok(fs.statSync(path.join(dir, 'catatonit')).mode & 0o100)
  assert.is(await ensureInfraRootfs(h), dir)
  assert.is(fs.statSync(dir).ino, ino)
  assert.equal(fs.readdirSync(path.dirname(dir)).filter(n => n.startsWith('.infra-rootfs-')), [])
}))

test.run()
