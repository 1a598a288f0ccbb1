import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import {
  addDependency, deleteContainerRow, getContainer, insertContainer, listDependents, lookupContainer,
  resolveContainer, updateContainer,
} from '../../src/state/container-rows.js'
import { deletePodRow, insertPod, resolvePod } from '../../src/state/pod-rows.js'
import { SCHEMA_VERSION } from '../../src/state/schema.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('state-store')

function thrownBy (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  throw new Error('expected a throw')
}

test('opens with WAL, FULL sync, foreign keys and the current schema', () => withTempDir(dir => {
  using store = StateStore.open(dir)
  assert.is(store.db.pragma('journal_mode', { simple: true }), 'wal')
  assert.is(store.db.pragma('synchronous', { simple: true }), 2)
  assert.is(store.db.pragma('foreign_keys', { simple: true }), 1)
  assert.is(store.schemaVersion, SCHEMA_VERSION)
  assert.ok(fs.existsSync(path.join(dir, 'state.db')))
}))

test('reopening does not re-run migrations and keeps rows', () => withTempDir(dir => {
  const c = containerFixture()
  { using s = StateStore.open(dir); s.write(() => insertContainer(s, c)) }
  using s2 = StateStore.open(dir)
  assert.is(getContainer(s2, c.id)?.name, c.name)
}))

test('a newer schema is refused with a clear error', () => withTempDir(dir => {
  { using s = StateStore.open(dir); s.db.pragma(`user_version = ${SCHEMA_VERSION + 5}`) }
  const err = thrownBy(() => StateStore.open(dir))
  assert.ok(isPodctlError(err) && err.code === 'STATE_FAILED')
  assert.match((err as Error).message, 'newer than this podctl')
}))

test('a dependency row makes the DB refuse to delete the container depended on', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => { insertContainer(s, a); insertContainer(s, b); addDependency(s, { containerId: b.id, dependsOn: a.id, kind: 'network' }) })
  const err = thrownBy(() => s.write(() => deleteContainerRow(s, a.id)))
  assert.ok(isPodctlError(err) && err.code === 'STATE_FAILED', String(err))
  assert.ok(getContainer(s, a.id))
  assert.equal(listDependents(s, a.id).map(d => d.containerId), [b.id])
  s.write(() => { deleteContainerRow(s, b.id); deleteContainerRow(s, a.id) })
  assert.is(getContainer(s, a.id), undefined)
})

test('a pod cannot be deleted while it has members; infra id is cleared when infra goes', () => {
  using s = StateStore.openMemory()
  const p = podFixture()
  const infra = containerFixture({ podId: p.id, isInfra: true })
  s.write(() => { insertPod(s, { ...p, infraId: infra.id }); insertContainer(s, infra) })
  assert.ok(isPodctlError(thrownBy(() => s.write(() => deletePodRow(s, p.id)))))
  s.write(() => deleteContainerRow(s, infra.id))
  assert.is(resolvePod(s, p.name).infraId, null)
  s.write(() => deletePodRow(s, p.id))
})

test('duplicate names get Podman\'s message', () => {
  using s = StateStore.openMemory()
  const a = containerFixture({ name: 'web' })
  s.write(() => insertContainer(s, a))
  const err = thrownBy(() => s.write(() => insertContainer(s, containerFixture({ name: 'web' }))))
  assert.ok(isPodctlError(err) && err.code === 'NAME_IN_USE')
  assert.is((err as Error).message, `the container name "web" is already in use by ${a.id}. You have to remove that container to be able to reuse that name: that name is already in use`)
})

test('lookup: name first, full ID, unique prefix; ambiguous and missing are errors', () => {
  using s = StateStore.openMemory()
  const a = containerFixture({ id: ('abc1' + '0'.repeat(60)) as never, name: 'first' })
  const b = containerFixture({ id: ('abc2' + '0'.repeat(60)) as never, name: 'abc2' + '0'.repeat(60) })
  const c = containerFixture({ id: ('ffff' + '1'.repeat(60)) as never, name: 'abc1' })
  s.write(() => { insertContainer(s, a); insertContainer(s, b); insertContainer(s, c) })
  assert.is(resolveContainer(s, 'first').id, a.id)
  assert.is(resolveContainer(s, 'abc1').id, c.id, 'an exact name wins over an ID prefix')
  assert.is(resolveContainer(s, a.id).id, a.id)
  assert.is(resolveContainer(s, 'ffff').id, c.id)
  const amb = thrownBy(() => resolveContainer(s, 'abc'))
  assert.ok(isPodctlError(amb) && amb.code === 'AMBIGUOUS_ID')
  assert.is((amb as Error).message, 'more than one result for container "abc": container already exists')
  const miss = thrownBy(() => resolveContainer(s, 'nosuch'))
  assert.ok(isPodctlError(miss) && miss.code === 'NO_SUCH_CONTAINER')
  assert.is((miss as Error).message, 'no container with name or ID "nosuch" found: no such container')
  assert.is(lookupContainer(s, ''), undefined)
  assert.is(lookupContainer(s, '../etc'), undefined)
})

test('updateContainer writes only the given fields and reports a missing row', () => {
  using s = StateStore.openMemory()
  const a = containerFixture()
  s.write(() => insertContainer(s, a))
  assert.ok(updateContainer(s, a.id, { state: 'running', pid: 42, labels: { x: 'y' } }))
  const got = getContainer(s, a.id)!
  assert.equal([got.state, got.pid, got.labels, got.name], ['running', 42, { x: 'y' }, a.name])
  assert.not.ok(updateContainer(s, containerFixture().id, { state: 'running' }))
})

test('a corrupt JSON column is a STATE_FAILED error, not a crash', () => {
  using s = StateStore.openMemory()
  const a = containerFixture()
  s.write(() => insertContainer(s, a))
  s.db.prepare("UPDATE containers SET labels = '{bad' WHERE id = ?").run(a.id)
  const err = thrownBy(() => getContainer(s, a.id))
  assert.ok(isPodctlError(err) && err.code === 'STATE_FAILED')
  assert.match((err as Error).message, 'containers.labels')
})

test('several processes hammering one state.db: no lost writes, no errors, integrity ok', () => withTempDir(async dir => {
  const workers = 6; const rounds = 60
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => new Promise<{ code: number | null, out: string, err: string }>(resolve => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../helpers/hammer-store.ts'), dir, String(w), String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''; let err = ''
    child.stdout.on('data', d => { out += d }); child.stderr.on('data', d => { err += d })
    child.on('close', code => resolve({ code, out, err }))
  })))
  for (const r of results) assert.is(r.code, 0, r.err)
  const kept = results.reduce((n, r) => n + (JSON.parse(r.out) as { kept: number }).kept, 0)
  assert.is(kept, workers * (rounds / 2) * 2)
  using s = StateStore.open(dir)
  assert.is((s.db.prepare('SELECT count(*) AS n FROM containers').get() as { n: number }).n, kept)
  assert.is((s.db.prepare('SELECT count(*) AS n FROM container_deps').get() as { n: number }).n, kept / 2)
  assert.is(s.db.pragma('integrity_check', { simple: true }), 'ok')
}))

test.run()
