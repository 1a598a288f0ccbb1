import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { ImageId } from '../../src/ids.js'
import { insertContainer } from '../../src/state/container-rows.js'
import { insertImage } from '../../src/state/image-rows.js'
import { insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerStatus, loadViewLookups, toListEntry } from '../../src/views/container-view.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('container-view')

const NOW = Date.parse('2024-05-01T12:00:00Z')
const GO_ZERO_TIME = -62135596800

test('containerStatus: Podman\'s ps STATUS column for every state', () => {
  const c = containerFixture({ createdAt: NOW - 3_600_000 })
  const table: [Partial<typeof c>, string][] = [
    [{ state: 'created' }, 'Created'],
    [{ state: 'running', startedAt: NOW - 5_000 }, 'Up 5 seconds'],
    [{ state: 'running', startedAt: NOW - 3 * 3_600_000 }, 'Up 3 hours'],
    [{ state: 'exited', exitCode: 137, finishedAt: NOW - 90_000 }, 'Exited (137) About a minute ago'],
    [{ state: 'stopped', exitCode: null, finishedAt: NOW - 600 }, 'Exited (0) Less than a second ago'],
    [{ state: 'removing' }, 'Removing'],
  ]
  for (const [over, want] of table) assert.is(containerStatus({ ...c, ...over }, NOW), want, JSON.stringify(over))
})

test('toListEntry: ps --format json fields from the row, its image, pod and networks', () => {
  using store = StateStore.openMemory()
  const image = { id: 'f'.repeat(64) as ImageId, name: 'busybox', createdAt: NOW, size: 1, source: '/x' }
  const pod = podFixture({ name: 'pod1' })
  const c = containerFixture({
    name: 'web', imageId: image.id, podId: pod.id, command: ['sleep', '10'], state: 'running', pid: 77, labels: { a: 'b' },
    createdAt: NOW - 120_000, startedAt: NOW - 60_000, autoRemove: true,
  })
  const idle = containerFixture({ name: 'idle', createdAt: NOW - 2_000, pid: 5 })
  store.write(() => {
    insertImage(store, image); insertPod(store, pod); insertContainer(store, c); insertContainer(store, idle)
    for (const n of ['zeta', 'alpha']) store.db.prepare('INSERT INTO container_networks (container_id, network, ifname) VALUES (?, ?, ?)').run(c.id, n, `eth-${n}`)
  })
  const lk = loadViewLookups(store)
  assert.equal(toListEntry(c, lk, NOW), {
    AutoRemove: true, Command: ['sleep', '10'], Created: (NOW - 120_000) / 1000, CreatedAt: '2 minutes ago', ExitCode: 0, Exited: false,
    ExitedAt: GO_ZERO_TIME, Id: c.id, Image: 'busybox', ImageID: image.id, IsInfra: false, Labels: { a: 'b' }, Names: ['web'],
    Networks: ['alpha', 'zeta'], Pid: 77, Pod: pod.id, PodName: 'pod1', Ports: null, StartedAt: (NOW - 60_000) / 1000, State: 'running', Status: 'Up About a minute',
  })
  // Not running: no PID whatever the row says; no labels is null; no image, pod or network is empty.
  assert.equal(toListEntry(idle, lk, NOW), {
    AutoRemove: false, Command: ['sleep', '1000'], Created: (NOW - 2_000) / 1000, CreatedAt: '2 seconds ago', ExitCode: 0, Exited: false,
    ExitedAt: GO_ZERO_TIME, Id: idle.id, Image: '', ImageID: '', IsInfra: false, Labels: null, Names: ['idle'],
    Networks: [], Pid: 0, Pod: '', PodName: '', Ports: null, StartedAt: GO_ZERO_TIME, State: 'created', Status: 'Created',
  })
})

test('toListEntry: an exited container reports its exit code and time in whole seconds', () => {
  const c = containerFixture({ state: 'exited', exitCode: 3, createdAt: NOW - 10_000, startedAt: NOW - 9_500, finishedAt: NOW - 1_500 })
  const e = toListEntry(c, { images: new Map(), pods: new Map(), networks: new Map() }, NOW)
  assert.equal([e.Exited, e.ExitCode, e.ExitedAt, e.StartedAt, e.Status], [true, 3, Math.floor((NOW - 1_500) / 1000), Math.floor((NOW - 9_500) / 1000), 'Exited (3) 1 second ago'])
})

test.run()
