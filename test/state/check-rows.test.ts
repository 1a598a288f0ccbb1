import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import {
  clearPodInfra, deleteDependencyRow, getContainerPodRow, getDependencyRow, getPodInfraRow, listForeignKeyViolations,
} from '../../src/state/check-rows.js'
import { addDependency, insertContainer, listDependencies } from '../../src/state/container-rows.js'
import { getPod, insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import type { ContainerRecord, PodRecord } from '../../src/state/types.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('check-rows')

interface Damaged { s: StateStore, c1: ContainerRecord, c2: ContainerRecord, gone: ContainerRecord, lostPod: PodRecord, pod: PodRecord, orphan: ContainerRecord }

// A store written with foreign keys off, as a damaged state.db: c1 → c2 is a sound
// dependency (rowid 1); c1 → gone (rowid 2) and gone → c2 (rowid 3) dangle; pod (rowid 1)
// names a missing infra container; orphan (containers rowid 3) names a missing pod.
function damagedStore (): Damaged {
  const s = StateStore.openMemory()
  s.db.pragma('foreign_keys = OFF')
  // Raw rows: addDependency itself refuses a dependency on a missing container.
  const insertDep = s.db.prepare('INSERT INTO container_deps (container_id, depends_on, kind) VALUES (?, ?, ?)')
  const c1 = containerFixture(); const c2 = containerFixture(); const gone = containerFixture()
  const lostPod = podFixture(); const pod = podFixture({ infraId: gone.id }); const orphan = containerFixture({ podId: lostPod.id })
  s.write(() => {
    insertContainer(s, c1); insertContainer(s, c2); insertPod(s, pod); insertContainer(s, orphan)
    insertDep.run(c1.id, c2.id, 'network')
    insertDep.run(c1.id, gone.id, 'requires')
    insertDep.run(gone.id, c2.id, 'ipc')
  })
  s.db.pragma('foreign_keys = ON')
  return { s, c1, c2, gone, lostPod, pod, orphan }
}

test('listForeignKeyViolations: every dangling reference, by table and rowid', () => {
  const { s } = damagedStore()
  using _ = s
  assert.equal(listForeignKeyViolations(s), [
    { table: 'container_deps', rowid: 2, parent: 'containers', fkid: 0 },
    { table: 'container_deps', rowid: 3, parent: 'containers', fkid: 1 },
    { table: 'containers', rowid: 3, parent: 'pods', fkid: 0 },
    { table: 'pods', rowid: 1, parent: 'containers', fkid: 0 },
  ])
})

test('listForeignKeyViolations: none on a sound store', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => { insertContainer(s, a); insertContainer(s, b); addDependency(s, { containerId: a.id, dependsOn: b.id, kind: 'requires' }) })
  assert.equal(listForeignKeyViolations(s), [])
})

test('getDependencyRow / deleteDependencyRow: by rowid; the sound dependency stays', () => {
  const { s, c1, c2, gone } = damagedStore()
  using _ = s
  assert.equal(getDependencyRow(s, 2), { containerId: c1.id, dependsOn: gone.id, kind: 'requires' })
  assert.equal(getDependencyRow(s, 3), { containerId: gone.id, dependsOn: c2.id, kind: 'ipc' })
  assert.is(getDependencyRow(s, 99), undefined)
  assert.is(s.write(() => deleteDependencyRow(s, 2)), true)
  assert.is(s.write(() => deleteDependencyRow(s, 2)), false, 'already gone')
  assert.is(s.write(() => deleteDependencyRow(s, 3)), true)
  assert.equal(listDependencies(s), [{ containerId: c1.id, dependsOn: c2.id, kind: 'network' }])
  assert.equal(listForeignKeyViolations(s).map(v => v.table), ['containers', 'pods'])
})

test('getPodInfraRow / clearPodInfra: by rowid; only that pod\'s infra_id is cleared', () => {
  const { s, gone, pod } = damagedStore()
  using _ = s
  const sound = podFixture()
  s.write(() => insertPod(s, sound))
  assert.equal(getPodInfraRow(s, 1), { id: pod.id, name: pod.name, infraId: gone.id })
  assert.equal(getPodInfraRow(s, 2), { id: sound.id, name: sound.name, infraId: null })
  assert.is(getPodInfraRow(s, 99), undefined)
  assert.is(s.write(() => clearPodInfra(s, 1)), true)
  assert.is(s.write(() => clearPodInfra(s, 99)), false)
  assert.is(getPod(s, pod.id)?.infraId, null)
  assert.equal(listForeignKeyViolations(s).map(v => v.table), ['container_deps', 'container_deps', 'containers'])
})

test('getContainerPodRow: id, name and pod_id by rowid', () => {
  const { s, c1, lostPod, orphan } = damagedStore()
  using _ = s
  assert.equal(getContainerPodRow(s, 3), { id: orphan.id, name: orphan.name, podId: lostPod.id })
  assert.equal(getContainerPodRow(s, 1), { id: c1.id, name: c1.name, podId: null })
  assert.is(getContainerPodRow(s, 99), undefined)
})

test.run()
