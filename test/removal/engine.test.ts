import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../src/removal/fake-backend.js'
import { getContainer } from '../../src/state/container-rows.js'
import { getPod } from '../../src/state/pod-rows.js'
import type { ContainerRecord } from '../../src/state/types.js'
import { ALL_STEPS, errorOf, eventIndex, runEngine, statusByName, stepsOf } from './engine-helpers.js'
import { withHarness } from './harness.js'

const test = suite('removal-engine')

test('one container: every step in DESIGN order, row gone, backend called in order', () => withHarness(async h => {
  const c = h.container('solo')
  const { report, backend } = await runEngine(h, [c])
  assert.equal(statusByName(report), { solo: 'removed' })
  assert.equal(stepsOf(report, c.id), ALL_STEPS)
  assert.equal(backend.callsFor(c.id), ['stop', 'detachNetwork', 'deleteRuntime', 'teardownStorage'])
  assert.is(getContainer(h.store, c.id), undefined)
}))

test('no container is touched before all of its dependents are deleted (chains, diamond, pods, random delays)', () => withHarness(async h => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(n => h.container(n)) as [ContainerRecord, ContainerRecord, ContainerRecord, ContainerRecord]
  h.dep(a, b); h.dep(a, c); h.dep(b, d); h.dep(c, d)
  const chain = Array.from({ length: 6 }, (_, i) => h.container(`k${i}`))
  for (let i = 1; i < chain.length; i++) h.dep(chain[i]!, chain[i - 1]!, 'network')
  const pods = Array.from({ length: 4 }, (_, i) => h.pod(`p${i}`, { members: [`p${i}m0`, `p${i}m1`, `p${i}m2`] }))
  const backend = new FakeBackend()
  let seed = 11
  for (const id of h.ids()) backend.delayAt(id, 'stop', (seed = (seed * 48271) % 2147483647) % 7)
  const all = h.ids().map(id => getContainer(h.store, id)!)
  const { report } = await runEngine(h, all, { backend, pods: pods.map(p => p.pod), mode: 'pod-rm', maxWorkers: 5 })
  // Every container of the state, each once, and each removed.
  assert.equal(report.containers.map(c => c.id).sort(), all.map(c => c.id).sort())
  assert.ok(report.containers.every(c => c.outcome.status === 'removed'))
  const edges = [[a, b], [a, c], [b, d], [c, d], ...chain.slice(1).map((k, i) => [k, chain[i]!]),
    ...pods.flatMap(p => p.members.map(m => [m, p.infra!]))] as [ContainerRecord, ContainerRecord][]
  for (const [dependent, dependency] of edges) {
    const gone = eventIndex(report, dependent.id, 'deleted')
    const touched = eventIndex(report, dependency.id, 'claimed')
    assert.ok(gone >= 0 && touched > gone, `${dependency.name} claimed before ${dependent.name} was deleted`)
  }
  assert.equal(report.pods.map(p => p.outcome.status), ['removed', 'removed', 'removed', 'removed'])
  assert.equal(h.ids(), [])
}))

test('ready-queue, not waves: a dependency starts while an unrelated slow container is still running', () => withHarness(async h => {
  const x1 = h.container('x1'); const x2 = h.container('x2'); const slow = h.container('slow')
  h.dep(x1, x2)
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const backend = new FakeBackend().blockAt(slow.id, 'stop', gate)
  const { report } = await runEngine(h, [x1, x2, slow], {
    backend,
    onEvent: e => { if (e.container === x2.id && e.step === 'deleted') release() },
  })
  assert.equal(statusByName(report), { x1: 'removed', x2: 'removed', slow: 'removed' })
  assert.ok(eventIndex(report, x2.id, 'deleted') < eventIndex(report, slow.id, 'stopped'))
}))

test('a failure keeps what the failed container depends on; independent branches go on', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b'); const c = h.container('c'); const d = h.container('d')
  h.dep(a, b); h.dep(b, c)
  const backend = new FakeBackend().failAt(b.id, 'deleteRuntime', 'runtime says no')
  const { report } = await runEngine(h, [a, b, c, d], { backend })
  assert.equal(statusByName(report), { a: 'removed', b: 'failed', c: 'failed', d: 'removed' })
  assert.is(errorOf(report, 'b'), 'runtime says no')
  assert.is(errorOf(report, 'c'), `container ${c.id} was not removed: container ${b.id} that depends on it could not be removed`)
  assert.equal(backend.callsFor(c.id), [])
  assert.is(getContainer(h.store, b.id)?.state, 'removing')
  assert.is(getContainer(h.store, c.id)?.state, 'created')
  assert.equal(stepsOf(report, b.id), ['claimed', 'stopped', 'network-detached', 'failed'])
}))

test('pods: a failing member keeps its pod and infra; the other pod goes in parallel', () => withHarness(async h => {
  const p = h.pod('p', { members: ['pm1', 'pm2'] })
  const q = h.pod('q', { members: ['qm1'] })
  const backend = new FakeBackend().failAt('pm1', 'stop', 'stuck')
  const { report } = await runEngine(h, [], { backend, mode: 'pod-rm', pods: [p.pod, q.pod], volumes: true })
  assert.equal(statusByName(report), { 'p-infra': 'failed', pm1: 'failed', pm2: 'removed', 'q-infra': 'removed', qm1: 'removed' })
  assert.equal(report.pods.map(x => [x.name, x.outcome.status]), [['p', 'failed'], ['q', 'removed']])
  const failedPod = report.pods[0]!
  assert.is(failedPod.outcome.status === 'failed' && failedPod.outcome.error.message, `not all containers could be removed from pod ${p.pod.id}: removing pod containers`)
  assert.equal(failedPod.memberErrors.map(e => e.message), [
    `error removing container ${p.infra!.id} from pod ${p.pod.id}: container ${p.infra!.id} was not removed: container ${p.members[0]!.id} that depends on it could not be removed`,
    `error removing container ${p.members[0]!.id} from pod ${p.pod.id}: stuck`,
  ])
  assert.ok(getPod(h.store, p.pod.id) !== undefined)
  assert.is(getPod(h.store, q.pod.id), undefined)
  assert.is(eventIndex(report, q.pod.id, 'pod-deleted') > eventIndex(report, q.infra!.id, 'deleted'), true)
}))

test('every container ends in exactly one outcome under random faults (20 pods, cross-pod deps)', () => withHarness(async h => {
  const pods = Array.from({ length: 20 }, (_, i) => h.pod(`p${i}`, { members: [`p${i}a`, `p${i}b`, `p${i}c`] }))
  for (let i = 1; i < pods.length; i += 2) h.dep(pods[i]!.members[0]!, pods[i - 1]!.members[1]!, 'network')
  const backend = new FakeBackend()
  const steps = ['stop', 'detachNetwork', 'deleteRuntime', 'teardownStorage'] as const
  let seed = 5
  const next = (): number => (seed = (seed * 48271) % 2147483647)
  for (const id of h.ids()) {
    backend.delayAt(id, 'stop', next() % 4)
    if (next() % 6 === 0) backend.failAt(id, steps[next() % 4]!, `fault in ${id.slice(0, 6)}`)
  }
  const { report } = await runEngine(h, [], { backend, mode: 'pod-rm', pods: pods.map(p => p.pod), force: true, maxWorkers: 7 })
  const ids = report.containers.map(c => c.id)
  assert.is(ids.length, 80)
  assert.is(new Set(ids).size, 80)
  for (const c of report.containers) {
    const terminal = report.events.filter(e => e.container === c.id && (e.step === 'deleted' || e.step === 'failed'))
    assert.is(terminal.length, 1, `${c.name} has ${terminal.length} terminal events`)
    assert.is(getContainer(h.store, c.id) === undefined, c.outcome.status === 'removed', c.name)
  }
  for (const p of report.pods) assert.is(getPod(h.store, p.id) === undefined, p.outcome.status === 'removed', p.name)
  assert.ok(report.containers.some(c => c.outcome.status === 'failed') && report.containers.some(c => c.outcome.status === 'removed'))
}))

test('--max-workers N: with more independent containers than N, exactly N containers are worked on at once', async () => {
  for (const n of [1, 3, 5]) {
    await withHarness(async h => {
      const cs = Array.from({ length: 6 * n }, (_, i) => h.container(`w${i}`))
      const backend = new FakeBackend({ delayMs: 5 })
      await runEngine(h, cs, { backend, maxWorkers: n })
      assert.is(backend.maxActiveTargets, n, `--max-workers ${n}`)
      // Each worker overlaps at most its container's network and runtime steps.
      assert.ok(backend.maxActive <= 2 * n, `--max-workers ${n}: ${backend.maxActive} calls at once`)
      assert.equal(h.ids(), [])
    })
  }
})

test('one container: network teardown and runtime delete overlap after stop; storage waits for both', () => withHarness(async h => {
  const c = h.container('overlap')
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const backend = new FakeBackend().blockAt(c.id, 'detachNetwork', gate)
  const run = runEngine(h, [c], { backend }).then(r => r.report)
  for (let i = 0; i < 50 && !backend.callsFor(c.id).includes('deleteRuntime'); i++) await new Promise(resolve => setImmediate(resolve))
  // DEL is still held: the runtime delete started beside it, storage has not.
  assert.equal(backend.callsFor(c.id), ['stop', 'detachNetwork', 'deleteRuntime'])
  release()
  const report = await run
  assert.equal(backend.callsFor(c.id), ['stop', 'detachNetwork', 'deleteRuntime', 'teardownStorage'])
  const steps = report.events.filter(e => e.container === c.id).map(e => e.step)
  // The runtime delete ended first, so its event comes first.
  assert.equal(steps, ['claimed', 'stopped', 'runtime-deleted', 'network-detached', 'storage-removed', 'volumes-removed', 'deleted'])
  assert.equal(h.ids(), [])
}))

test('a failed network teardown still lets the runtime delete finish; the container is kept with the DEL error', () => withHarness(async h => {
  const c = h.container('delfail')
  const backend = new FakeBackend().failAt(c.id, 'detachNetwork', 'CNI DEL failed')
  const { report } = await runEngine(h, [c], { backend })
  assert.equal(backend.callsFor(c.id), ['stop', 'detachNetwork', 'deleteRuntime'])
  const o = report.containers[0]!.outcome
  assert.is(o.status, 'failed')
  assert.match(o.status === 'failed' ? o.error.message : '', 'CNI DEL failed')
  assert.equal(h.ids(), [c.id])
}))

test('a full pool of workers, each with two steps listening on the run\'s signal, draws no MaxListenersExceededWarning', () => withHarness(async h => {
  const cs = Array.from({ length: 40 }, (_, i) => h.container(`l${i}`))
  const warnings: string[] = []
  const onWarning = (w: Error): void => { warnings.push(`${w.name}: ${w.message}`) }
  process.on('warning', onWarning)
  try {
    // The fake backend's delayed steps wait with the run's signal, as real commands do.
    const { report } = await runEngine(h, cs, { backend: new FakeBackend({ delayMs: 5 }), maxWorkers: 8 })
    assert.ok(report.containers.every(c => c.outcome.status === 'removed'))
    await new Promise(resolve => setImmediate(resolve))
  } finally {
    process.off('warning', onWarning)
  }
  assert.equal(warnings.filter(w => w.startsWith('MaxListenersExceededWarning')), [])
}))

test('cidfile and pod-id-file are deleted with their container and pod', () => withHarness(async h => {
  const fs = await import('node:fs')
  const cidfile = `${h.dir}/c.cid`; fs.writeFileSync(cidfile, 'x')
  const c = h.container('withcid', { cidfile })
  const gone = `${h.dir}/gone.cid`
  const c2 = h.container('gonecid', { cidfile: gone })
  const p = h.pod('p', { members: [] })
  const podFile = `${h.dir}/p.id`; fs.writeFileSync(podFile, p.pod.id)
  h.store.db.prepare('UPDATE pods SET pod_id_file = ? WHERE id = ?').run(podFile, p.pod.id)
  p.pod.podIdFile = podFile
  const { report } = await runEngine(h, [c, c2])
  assert.equal(statusByName(report), { withcid: 'removed', gonecid: 'removed' })
  assert.is(fs.existsSync(cidfile), false)
  const pr = await runEngine(h, [], { mode: 'pod-rm', pods: [p.pod] })
  assert.equal(pr.report.pods.map(x => x.outcome.status), ['removed'])
  assert.is(fs.existsSync(podFile), false)
}))

test('an empty pod (no containers) is removed by pod rm', () => withHarness(async h => {
  const p = h.pod('empty', { infra: false })
  const { report } = await runEngine(h, [], { mode: 'pod-rm', pods: [p.pod], backend: new FakeBackend() })
  assert.equal(report.pods.map(x => x.outcome.status), ['removed'])
  assert.is(getPod(h.store, p.pod.id), undefined)
}))

test.run()
