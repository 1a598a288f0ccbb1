import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer } from '../../src/state/container-rows.js'
import { getPod } from '../../src/state/pod-rows.js'
import { errorOf, runEngine, statusByName } from './engine-helpers.js'
import { withHarness } from './harness.js'

const test = suite('removal-validation')

test('running without force: exit-2 error, nothing touched; with force it goes', () => withHarness(async h => {
  const r = h.container('r', { state: 'running' }); const base = h.container('base')
  h.dep(r, base)
  const { report, backend } = await runEngine(h, [r, base])
  assert.equal(statusByName(report), { r: 'failed', base: 'failed' })
  assert.is(errorOf(report, 'r'), `cannot remove container ${r.id} as it is running - running or paused containers cannot be removed without force: container state improper`)
  assert.match(errorOf(report, 'base')!, `container ${r.id} that depends on it could not be removed`)
  assert.equal(backend.calls, [])
  assert.is(getContainer(h.store, r.id)?.state, 'running')
  const forced = await runEngine(h, [r, base], { force: true })
  assert.equal(statusByName(forced.report), { r: 'removed', base: 'removed' })
}))

test('dependents outside the targets without --depend: Podman message; --depend takes them along, dependents first', () => withHarness(async h => {
  const base = h.container('base'); const d1 = h.container('d1'); const d2 = h.container('d2')
  h.dep(d1, base, 'network'); h.dep(d2, d1, 'ipc')
  const plain = await runEngine(h, [base])
  assert.is(errorOf(plain.report, 'base'), `container ${base.id} has dependent containers which must be removed before it: ${d1.id}: container already exists`)
  assert.equal(plain.backend.calls, [])
  const { report } = await runEngine(h, [base], { depend: true })
  assert.equal(statusByName(report), { base: 'removed', d1: 'removed', d2: 'removed' })
  assert.equal(report.containers.map(c => c.input), ['base', undefined, undefined])
  const order = report.events.filter(e => e.step === 'deleted').map(e => e.container)
  assert.equal(order, [d2.id, d1.id, base.id])
}))

test('infra container outside its pod: refused even with force; --depend removes the whole pod', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m1', 'm2'] })
  const other = h.pod('q', { infra: false, members: ['loner'] })
  const refused = await runEngine(h, [p.infra!], { force: true })
  assert.is(errorOf(refused.report, 'p-infra'), `container ${p.infra!.id} is the infra container of pod ${p.pod.id} and cannot be removed without removing the pod`)
  const { report } = await runEngine(h, [p.infra!], { depend: true })
  assert.equal(statusByName(report), { 'p-infra': 'removed', m1: 'removed', m2: 'removed' })
  assert.equal(report.pods.map(x => [x.name, x.outcome.status]), [['p', 'removed']])
  assert.is(getPod(h.store, p.pod.id), undefined)
  // A plain member goes alone and its pod stays.
  const m = await runEngine(h, [other.members[0]!])
  assert.equal(statusByName(m.report), { loner: 'removed' })
  assert.ok(getPod(h.store, other.pod.id) !== undefined)
}))

test('cycles of 2 and 3 are rejected naming the cycle; what they depend on stays; others go', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b'); const under = h.container('under'); const free = h.container('free')
  h.dep(a, b); h.dep(b, a); h.dep(a, under)
  const x = h.container('x'); const y = h.container('y'); const z = h.container('z')
  h.dep(x, y); h.dep(y, z); h.dep(z, x)
  const { report, backend } = await runEngine(h, [a, b, under, free, x, y, z], { force: true })
  assert.equal(statusByName(report), { a: 'failed', b: 'failed', under: 'failed', free: 'removed', x: 'failed', y: 'failed', z: 'failed' })
  const [s1, s2] = [a.id as string, b.id as string].sort()
  const [xs, ys, zs] = [x.id, y.id, z.id]
  assert.is(errorOf(report, 'a'), `container ${a.id} is part of a dependency cycle: ${s1} -> ${s2} -> ${s1}`)
  // x depends on y, y on z, z on x: the path is named in dependency order from the smallest ID.
  const path = [[xs, ys, zs], [ys, zs, xs], [zs, xs, ys]].find(p => p[0] === [xs, ys, zs].sort()[0])!
  for (const n of ['x', 'y', 'z']) assert.is(errorOf(report, n), `container ${report.containers.find(c => c.name === n)!.id} is part of a dependency cycle: ${[...path, path[0]].join(' -> ')}`)
  assert.equal(backend.calls.map(c => c.target), [free.id, free.id, free.id, free.id])
}))

test('-v: anonymous volumes go when no one else uses them; shared ones once; named ones never', () => withHarness(async h => {
  const x = h.container('x'); const y = h.container('y'); const keeper = h.container('keeper')
  h.volume('anon-x', true, [x]); h.volume('anon-xy', true, [x, y]); h.volume('anon-kept', true, [x, keeper]); h.volume('named', false, [x])
  const without = h.container('nov'); h.volume('anon-nov', true, [without])
  await runEngine(h, [without])
  const vols = (): string[] => (h.store.db.prepare('SELECT name FROM volumes ORDER BY name').all() as { name: string }[]).map(r => r.name)
  assert.equal(vols(), ['anon-kept', 'anon-nov', 'anon-x', 'anon-xy', 'named'])
  const { report, backend } = await runEngine(h, [x, y], { volumes: true })
  assert.equal(statusByName(report), { x: 'removed', y: 'removed' })
  assert.equal(backend.calls.filter(c => c.step === 'removeVolumeData').map(c => c.target).sort(), ['anon-x', 'anon-xy'])
  assert.equal(vols(), ['anon-kept', 'anon-nov', 'named'])
}))

test.run()
