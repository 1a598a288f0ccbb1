import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer, insertContainer, updateContainer } from '../../src/state/container-rows.js'
import { GroupCommit } from '../../src/state/group-commit.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture } from '../helpers/fixtures.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('group-commit')

test('writes asked for in one turn share one commit; each is visible to another connection when its promise settles', () => withTempDir(async dir => {
  using store = StateStore.open(dir)
  const cs = Array.from({ length: 20 }, (_, i) => containerFixture({ name: `c${i}`, createdAt: i }))
  store.write(() => { for (const c of cs) insertContainer(store, c) })
  let commits = 0
  const write = store.write.bind(store)
  // Only an outermost write commits (a nested one is a savepoint).
  store.write = <T>(fn: () => T): T => { if (!store.db.inTransaction) commits++; return write(fn) }
  const gc = new GroupCommit(store)
  const other = new Database(store.path, { readonly: true })
  try {
    const done = await Promise.all(cs.map(c => gc.run(() => updateContainer(store, c.id, { state: 'removing' })).then(() =>
      (other.prepare('SELECT state FROM containers WHERE id = ?').get(c.id) as { state: string }).state)))
    assert.equal(done, cs.map(() => 'removing'))
    assert.is(commits, 1)
  } finally {
    other.close()
  }
}))

test('a write that throws rejects only its caller and undoes only its own changes', () => withTempDir(async dir => {
  using store = StateStore.open(dir)
  const a = containerFixture({ name: 'a' }); const b = containerFixture({ name: 'b' })
  store.write(() => { insertContainer(store, a); insertContainer(store, b) })
  const gc = new GroupCommit(store)
  const results = await Promise.allSettled([
    gc.run(() => updateContainer(store, a.id, { state: 'removing' })),
    gc.run(() => { updateContainer(store, b.id, { state: 'removing' }); throw new Error('boom') }),
  ])
  assert.equal(results.map(r => r.status), ['fulfilled', 'rejected'])
  assert.is((results[1] as PromiseRejectedResult).reason.message, 'boom')
  assert.is(getContainer(store, a.id)?.state, 'removing')
  assert.is(getContainer(store, b.id)?.state, b.state)
}))

test('a failed commit rejects the whole batch and writes nothing', () => withTempDir(async dir => {
  using store = StateStore.open(dir)
  const a = containerFixture({ name: 'a' })
  store.write(() => insertContainer(store, a))
  const gc = new GroupCommit(store)
  const write = store.write.bind(store)
  store.write = <T>(fn: () => T): T => write(() => { fn(); throw new Error('disk full') }) as T
  const r = await Promise.allSettled([gc.run(() => updateContainer(store, a.id, { state: 'removing' }))])
  store.write = write
  assert.is((r[0] as PromiseRejectedResult).reason.message, 'disk full')
  assert.is(getContainer(store, a.id)?.state, a.state)
}))

test.run()
