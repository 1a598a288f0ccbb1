import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createContainer } from '../../src/containers/create-container.js'
import { createPod } from '../../src/pods/create-pod.js'
import { isPodctlError } from '../../src/errors.js'
import { paths } from '../../src/storage/paths.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('create-validation')

async function failure (p: Promise<unknown>): Promise<{ code: string, message: string }> {
  try { await p } catch (err) { assert.ok(isPodctlError(err), String(err)); return { code: err.code, message: err.message } }
  throw new Error('expected a rejection')
}

// Nothing half-created: no container row, no new volume, no storage dir, no mount.
function assertNothingCreated (h: TestHost, volumesBefore = 0): void {
  assert.is((h.store.db.prepare('SELECT count(*) AS n FROM containers').get() as { n: number }).n, 0)
  assert.is((h.store.db.prepare('SELECT count(*) AS n FROM volumes').get() as { n: number }).n, volumesBefore)
  const dir = path.join(h.config.root, 'storage', 'containers')
  assert.equal(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [])
  assert.equal(fs.existsSync(paths.volumes(h.config)) ? fs.readdirSync(paths.volumes(h.config)).length : 0, volumesBefore)
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir)), [])
}

test('unknown image: "<name>: image not known", nothing created', () => withTestHost(async h => {
  assert.equal(await failure(createContainer(h, { image: 'nope', command: ['true'] })), { code: 'NO_SUCH_IMAGE', message: 'nope: image not known' })
  assertNothingCreated(h)
}))

test('bad references and values are refused before any side effect', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const base = { image: 'busybox', command: ['sleep', '1'] }
  const cases: [Parameters<typeof createContainer>[1], string][] = [
    [{ ...base, name: 'bad name' }, 'running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument'],
    [{ ...base, network: 'container:bogus' }, '--network container:bogus: no container with name or ID "bogus" found: no such container'],
    [{ ...base, ipc: 'container:bogus' }, '--ipc container:bogus: no container with name or ID "bogus" found: no such container'],
    [{ ...base, requires: ['bogus'] }, '--requires bogus: no container with name or ID "bogus" found: no such container'],
    [{ ...base, volumesFrom: ['bogus'] }, '--volumes-from bogus: no container with name or ID "bogus" found: no such container'],
    [{ ...base, network: 'mynet' }, 'unable to find network with name or ID mynet: network not found'],
    [{ ...base, stopSignal: 'NOPE' }, 'invalid signal: NOPE'],
    [{ ...base, stopTimeout: -1 }, 'invalid stop timeout -1: must be a non-negative whole number of seconds'],
    [{ ...base, volumes: ['v1:/a', '/a'] }, '/a: duplicate mount destination'],
    [{ ...base, volumes: ['/x/../../etc'] }, 'invalid container path "/x/../../etc": must not contain ".."'],
    [{ ...base, pod: 'nopod' }, 'no pod with name or ID nopod found: no such pod'],
    [{ ...base, command: [] }, 'no command or entrypoint provided, and no CMD or ENTRYPOINT from image'],
  ]
  for (const [o, msg] of cases) assert.is((await failure(createContainer(h, o))).message, msg)
  fs.writeFileSync(path.join(h.dir, 'cid'), 'x')
  assert.is((await failure(createContainer(h, { ...base, cidfile: path.join(h.dir, 'cid') }))).message,
    `container id file exists. Ensure another container is not using it or delete it: ${path.join(h.dir, 'cid')}`)
  assertNothingCreated(h)
}))

test('duplicate name: Podman message, first container intact', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const first = await createContainer(h, { image: 'busybox', command: ['true'], name: 'dup' })
  const err = await failure(createContainer(h, { image: 'busybox', command: ['true'], name: 'dup' }))
  assert.equal(err, { code: 'NAME_IN_USE', message: `creating container storage: the container name "dup" is already in use by ${first.id}. You have to remove that container to be able to reuse that name: that name is already in use` })
  assert.equal(fs.readdirSync(path.join(h.config.root, 'storage', 'containers')), [first.id])
}))

test('a failure after the row is written (cidfile) rolls everything back', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const notADir = path.join(h.dir, 'file')
  fs.writeFileSync(notADir, '')
  const err = await failure(createContainer(h, { image: 'busybox', command: ['true'], volumes: ['/anon', 'newvol:/n'], cidfile: path.join(notADir, 'cid') }))
  assert.is(err.code, 'STORAGE_FAILED')
  assert.match(err.message, `writing cidfile ${notADir}/cid: ENOTDIR`)
  assertNothingCreated(h)
}))

test('a pod member cannot set a namespace the pod shares', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pod = await createPod(h, { name: 'p' })
  assert.is((await failure(createContainer(h, { image: 'busybox', command: ['true'], pod: pod.id, network: 'host' }))).message,
    '--network cannot be set for a container in pod p: the pod shares its network namespace')
}))

test.run()
