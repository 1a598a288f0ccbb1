import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { describeDryRun, renderDryRun } from '../../src/removal/dry-run.js'
import type { RemovalRequest } from '../../src/removal/prepare.js'
import { prepareRemoval } from '../../src/removal/prepare.js'
import type { ContainerRecord, PodRecord } from '../../src/state/types.js'
import type { Harness } from './harness.js'
import { withHarness } from './harness.js'

const test = suite('dry-run')

const prep = (h: Harness, targets: ContainerRecord[], over: Partial<RemovalRequest> = {}, pods: PodRecord[] = []): ReturnType<typeof prepareRemoval> =>
  prepareRemoval(h.store, { mode: 'rm', targets: targets.map(t => ({ id: t.id, input: t.name })), pods, force: false, depend: false, volumes: false, ...over })
const names = (plan: ReturnType<typeof describeDryRun>): unknown => ({
  waves: plan.waves.map(w => w.map(e => e.name)), pods: plan.pods.map(p => p.name), kept: plan.kept.map(e => e.name),
})

test('waves in dependency order (dependents first), each sorted by name; entries carry the ID', () => withHarness(async h => {
  const base = h.container('base'); const zed = h.container('zed'); const amy = h.container('amy'); const top = h.container('top')
  h.dep(zed, base); h.dep(amy, base); h.dep(top, zed)
  const plan = describeDryRun(prep(h, [base, zed, amy, top]))
  assert.equal(names(plan), { waves: [['amy', 'top'], ['zed'], ['base']], pods: [], kept: [] })
  assert.equal(plan.waves[2], [{ id: base.id, name: 'base' }])
}))

test('a validation failure is kept with everything it depends on; the rest is planned as execution would run it', () => withHarness(async h => {
  const base = h.container('base'); const mid = h.container('mid'); const run = h.container('run', { state: 'running' })
  const free = h.container('free')
  h.dep(run, mid); h.dep(mid, base)
  const plan = describeDryRun(prep(h, [base, mid, run, free]))
  assert.equal(names(plan), { waves: [['free']], pods: [], kept: ['base', 'mid', 'run'] })
  assert.is(renderDryRun(plan), 'wave 1: free\nkept: base mid run\n')
}))

test('pod rm: members before infra; a pod with a kept member is not listed', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m1', 'm2'] })
  const q = h.pod('q', { members: ['qm'], running: true })
  const plan = describeDryRun(prep(h, [], { mode: 'pod-rm' }, [p.pod, q.pod]))
  assert.equal(names(plan), { waves: [['m1', 'm2'], ['p-infra']], pods: ['p'], kept: ['q-infra', 'qm'] })
  assert.is(renderDryRun(plan), 'wave 1: m1 m2\nwave 2: p-infra\npods: p\nkept: q-infra qm\n')
}))

test('renderDryRun: nothing to do is no output', () => {
  assert.is(renderDryRun({ waves: [], pods: [], kept: [] }), '')
})

test.run()
