import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { exitedAutoRemoveIds, hasContainer, insertContainer, isNameTaken } from '../../src/state/container-rows.js'
import { insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('container-rows')

test('isNameTaken: a container name or a pod name is taken, anything else is free', () => {
  using s = StateStore.openMemory()
  s.write(() => { insertContainer(s, containerFixture({ name: 'web' })); insertPod(s, podFixture({ name: 'backend' })) })
  assert.equal(['web', 'backend', 'db', 'we', ''].map(n => isNameTaken(s, n)), [true, true, false, false, false])
})

test('exitedAutoRemoveIds: --rm containers that ran and exited or stopped, nothing else', () => {
  using s = StateStore.openMemory()
  const ran = { startedAt: 1000, finishedAt: 2000 }
  const exited = containerFixture({ autoRemove: true, state: 'exited', ...ran })
  const stopped = containerFixture({ autoRemove: true, state: 'stopped', ...ran })
  const others = [
    containerFixture({ autoRemove: true, state: 'created' }),
    containerFixture({ autoRemove: true, state: 'exited' }), // never started: exited without a start time
    containerFixture({ autoRemove: true, state: 'running', startedAt: 1000 }),
    containerFixture({ autoRemove: true, state: 'removing', ...ran }),
    containerFixture({ autoRemove: false, state: 'exited', ...ran }),
  ]
  s.write(() => { for (const c of [exited, ...others, stopped]) insertContainer(s, c) })
  assert.equal(exitedAutoRemoveIds(s).sort(), [exited.id, stopped.id].sort())
})

test('exitedAutoRemoveIds: none on an empty store', () => {
  using s = StateStore.openMemory()
  assert.equal(exitedAutoRemoveIds(s), [])
})

test('hasContainer: by full ID only', () => {
  using s = StateStore.openMemory()
  const c = containerFixture({ name: 'web' })
  s.write(() => insertContainer(s, c))
  assert.equal([hasContainer(s, c.id), hasContainer(s, 'web'), hasContainer(s, c.id.slice(0, 12)), hasContainer(s, containerFixture().id)], [true, false, false, false])
})

test.run()
