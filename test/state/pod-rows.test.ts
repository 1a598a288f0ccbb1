import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { insertPod, listPodNames } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { podFixture } from '../helpers/fixtures.js'

const test = suite('pod-rows')

test('listPodNames: every pod\'s ID and name, nothing else', () => {
  using s = StateStore.openMemory()
  assert.equal(listPodNames(s), [])
  const a = podFixture({ name: 'alpha', labels: { x: 'y' } }); const b = podFixture({ name: 'beta' })
  s.write(() => { insertPod(s, a); insertPod(s, b) })
  const byName = (x: { name: string }, y: { name: string }): number => x.name.localeCompare(y.name)
  assert.equal(listPodNames(s).sort(byName), [{ id: a.id, name: 'alpha' }, { id: b.id, name: 'beta' }])
})

test('listPodNames: a pod whose JSON columns are corrupt is still listed', () => {
  using s = StateStore.openMemory()
  const a = podFixture({ name: 'alpha' })
  s.write(() => insertPod(s, a))
  s.db.prepare("UPDATE pods SET labels = '{bad' WHERE id = ?").run(a.id)
  assert.equal(listPodNames(s), [{ id: a.id, name: 'alpha' }])
})

test.run()
