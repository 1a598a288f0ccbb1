import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer, insertContainer } from '../../src/state/container-rows.js'
import { deleteContainerRows, deleteEmptyPodRow } from '../../src/state/delete-rows.js'
import { getPod, insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { addContainerVolume, insertVolume, listVolumes } from '../../src/state/volume-rows.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'
import { volumeFixture } from './row-fixtures.js'

const test = suite('delete-rows')

test('deleteContainerRows: the container, its unused anonymous volumes, and the pod when it was the last member', () => {
  using s = StateStore.openMemory()
  const p = podFixture()
  const a = containerFixture({ podId: p.id }); const b = containerFixture()
  s.write(() => {
    insertPod(s, p); insertContainer(s, a); insertContainer(s, b)
    for (const name of ['mine', 'shared']) insertVolume(s, volumeFixture({ name, anonymous: true }))
    insertVolume(s, volumeFixture({ name: 'named' }))
    addContainerVolume(s, { containerId: a.id, volumeName: 'mine', destination: '/m' })
    addContainerVolume(s, { containerId: a.id, volumeName: 'shared', destination: '/s' })
    addContainerVolume(s, { containerId: b.id, volumeName: 'shared', destination: '/s' })
    addContainerVolume(s, { containerId: a.id, volumeName: 'named', destination: '/n' })
  })
  assert.equal(deleteContainerRows(s, a.id, p.id, { removePod: true, volumes: ['mine', 'shared', 'named'] }), { container: true, podDeleted: true, volumesDeleted: ['mine'] })
  assert.is(getContainer(s, a.id), undefined)
  assert.is(getPod(s, p.id), undefined)
  assert.equal(listVolumes(s).map(v => v.name).sort(), ['named', 'shared'])
  assert.equal(deleteContainerRows(s, a.id, p.id, { removePod: true, volumes: ['mine'] }), { container: false, podDeleted: false, volumesDeleted: [] }, 'idempotent')
})

test('deleteEmptyPodRow: keeps a pod that still has members', () => {
  using s = StateStore.openMemory()
  const p = podFixture(); const empty = podFixture()
  s.write(() => { insertPod(s, p); insertPod(s, empty); insertContainer(s, containerFixture({ podId: p.id })) })
  assert.is(s.write(() => deleteEmptyPodRow(s, p.id)), false)
  assert.is(s.write(() => deleteEmptyPodRow(s, empty.id)), true)
  assert.ok(getPod(s, p.id))
  assert.is(getPod(s, empty.id), undefined)
})

test.run()
