import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createContainer } from '../../src/containers/create-container.js'
import { removeVolumeData } from '../../src/containers/teardown.js'
import { isPodctlError } from '../../src/errors.js'
import { paths } from '../../src/storage/paths.js'
import { createVolume, pruneVolumes, removeVolume, toVolumeView } from '../../src/storage/volumes.js'
import { getVolume, listContainerVolumes, listVolumes } from '../../src/state/volume-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'

const test = suite('volumes')

function thrown (fn: () => unknown): { code: string, message: string } {
  try { fn() } catch (err) { assert.ok(isPodctlError(err)); return { code: err.code, message: err.message } }
  throw new Error('expected a throw')
}

test('create: _data dir under <root>/volumes/<name>; duplicate and bad names refused', () => withTestHost(async h => {
  const v = createVolume(h, { name: 'data', labels: { a: 'b' } })
  assert.is(v.mountpoint, paths.volumeData(h.config, 'data'))
  assert.ok(fs.statSync(v.mountpoint).isDirectory())
  assert.equal(thrown(() => createVolume(h, { name: 'data' })), { code: 'NAME_IN_USE', message: 'volume with name data already exists: volume already exists' })
  assert.is(thrown(() => createVolume(h, { name: '../escape' })).message, '"../escape": volume names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument')
  assert.is(toVolumeView(v)['Mountpoint'], v.mountpoint)
  const anon = createVolume(h, {})
  assert.match(anon.name, /^[0-9a-f]{64}$/)
}))

test('create -v: named volumes made on demand, anonymous ones marked, links recorded', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await createContainer(h, { image: 'busybox', command: ['true'], volumes: ['named1:/n', '/anon'] })
  const links = listContainerVolumes(h.store, c.id)
  assert.equal(links.map(l => l.destination), ['/anon', '/n'])
  assert.is(getVolume(h.store, 'named1')?.anonymous, false)
  assert.is(getVolume(h.store, links[0]!.volumeName)?.anonymous, true)
  const c2 = await createContainer(h, { image: 'busybox', command: ['true'], volumesFrom: [c.id] })
  assert.equal(listContainerVolumes(h.store, c2.id).map(l => [l.volumeName, l.destination]), links.map(l => [l.volumeName, l.destination]))
}))

test('rm refuses a used volume (exit 2); prune removes only unused ones', () => withTestHost(async h => {
  await importBusyboxImage(h)
  await createContainer(h, { image: 'busybox', command: ['true'], volumes: ['used:/u'] })
  createVolume(h, { name: 'idle' })
  const err = thrown(() => removeVolume(h, 'used'))
  assert.is(err.code, 'IN_USE')
  assert.match(err.message, /^volume used is being used by the following container\(s\): [0-9a-f]{64}: volume is being used$/)
  assert.equal(pruneVolumes(h), ['idle'])
  assert.equal(listVolumes(h.store).map(v => v.name), ['used'])
  assert.not.ok(fs.existsSync(paths.volume(h.config, 'idle')))
  assert.equal(thrown(() => removeVolume(h, 'idle')), { code: 'NO_SUCH_VOLUME', message: 'no volume with name "idle" found: no such volume' })
}))

test('removeVolumeData is idempotent and refuses path-like names', () => withTestHost(async h => {
  createVolume(h, { name: 'gone' })
  await removeVolumeData(h, 'gone')
  await removeVolumeData(h, 'gone')
  assert.not.ok(fs.existsSync(paths.volume(h.config, 'gone')))
  let err: unknown
  try { await removeVolumeData(h, '..') } catch (e) { err = e }
  assert.match(String(err), 'Assertion failed')
}))

test.run()
