import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { insertContainer } from '../../src/state/container-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { addContainerVolume, deleteVolumeIfUnused, getVolume, hasVolume, insertVolume, listAnonymousVolumeUses, listVolumes } from '../../src/state/volume-rows.js'
import { containerFixture } from '../helpers/fixtures.js'
import { volumeFixture } from './row-fixtures.js'

const test = suite('volume-rows')

test('hasVolume: by exact name', () => {
  using s = StateStore.openMemory()
  s.write(() => insertVolume(s, volumeFixture({ name: 'data' })))
  assert.equal(['data', 'dat', 'data2', ''].map(n => hasVolume(s, n)), [true, false, false, false])
})

test('hasVolume: a volume whose labels are corrupt still exists', () => {
  using s = StateStore.openMemory()
  s.write(() => insertVolume(s, volumeFixture({ name: 'data' })))
  s.db.prepare("UPDATE volumes SET labels = '{bad' WHERE name = 'data'").run()
  assert.ok(hasVolume(s, 'data'))
})

test('deleteVolumeIfUnused: deletes an unused volume, keeps a used one and the others', () => {
  using s = StateStore.openMemory()
  const c = containerFixture()
  s.write(() => {
    for (const name of ['unused', 'used', 'other']) insertVolume(s, volumeFixture({ name }))
    insertContainer(s, c)
    addContainerVolume(s, { containerId: c.id, volumeName: 'used', destination: '/data' })
  })
  assert.is(s.write(() => deleteVolumeIfUnused(s, 'unused')), true)
  assert.is(s.write(() => deleteVolumeIfUnused(s, 'used')), false)
  assert.is(s.write(() => deleteVolumeIfUnused(s, 'unused')), false, 'already gone')
  assert.is(s.write(() => deleteVolumeIfUnused(s, 'nosuch')), false)
  assert.equal(listVolumes(s).map(v => v.name).sort(), ['other', 'used'])
  assert.ok(getVolume(s, 'used'))
})

test('listAnonymousVolumeUses: each (container, anonymous volume) pair once; named and unused volumes left out', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => {
    insertVolume(s, volumeFixture({ name: 'anon1', anonymous: true }))
    insertVolume(s, volumeFixture({ name: 'anon2', anonymous: true }))
    insertVolume(s, volumeFixture({ name: 'anon-unused', anonymous: true }))
    insertVolume(s, volumeFixture({ name: 'named' }))
    insertContainer(s, a); insertContainer(s, b)
    addContainerVolume(s, { containerId: a.id, volumeName: 'anon1', destination: '/one' })
    addContainerVolume(s, { containerId: a.id, volumeName: 'anon1', destination: '/one-again' })
    addContainerVolume(s, { containerId: a.id, volumeName: 'named', destination: '/named' })
    addContainerVolume(s, { containerId: b.id, volumeName: 'anon1', destination: '/one' })
    addContainerVolume(s, { containerId: b.id, volumeName: 'anon2', destination: '/two' })
  })
  const key = (u: { containerId: string, volumeName: string }): string => `${u.containerId} ${u.volumeName}`
  assert.equal(listAnonymousVolumeUses(s).map(key).sort(), [
    { containerId: a.id, volumeName: 'anon1' },
    { containerId: b.id, volumeName: 'anon1' },
    { containerId: b.id, volumeName: 'anon2' },
  ].map(key).sort())
  assert.equal(Object.keys(listAnonymousVolumeUses(s)[0]!).sort(), ['containerId', 'volumeName'])
})

test('listAnonymousVolumeUses: none when only named volumes are mounted', () => {
  using s = StateStore.openMemory()
  const a = containerFixture()
  s.write(() => {
    insertVolume(s, volumeFixture({ name: 'named' })); insertContainer(s, a)
    addContainerVolume(s, { containerId: a.id, volumeName: 'named', destination: '/named' })
  })
  assert.equal(listAnonymousVolumeUses(s), [])
})

test.run()
