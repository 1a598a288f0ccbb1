import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../src/removal/fake-backend.js'
import { executeRemoval, prepareRemoval, removeContainers } from '../../src/removal/index.js'
import { reportToJson } from '../../src/removal/report.js'
import { claimContainer, currentProcess, isProcessAlive, readProcessStart } from '../../src/state/claims.js'
import { deleteContainerRow, getContainer, updateContainer } from '../../src/state/container-rows.js'
import { deletePodRow, getPod } from '../../src/state/pod-rows.js'
import { ALL_STEPS, errorOf, runEngine, statusByName, stepsOf } from '../removal/engine-helpers.js'
import { withHarness } from '../removal/harness.js'

const test = suite('removal-claims')

// A live process that is not us: our parent (the test runner or the shell).
const parent = { pid: process.ppid, start: readProcessStart(process.ppid)! }

test('process identity: pid + start time from /proc; a recycled pid does not match', () => {
  const me = currentProcess()
  assert.is(me.pid, process.pid)
  assert.match(me.start, /^\d+$/)
  assert.ok(isProcessAlive(me))
  assert.not.ok(isProcessAlive({ pid: me.pid, start: String(Number(me.start) + 1) }))
  assert.not.ok(isProcessAlive({ pid: 2 ** 22 + 7, start: '1' }))
})

test('claim: persists removing + owner; busy for a live other owner; gone when the row is', () => withHarness(async h => {
  const c = h.container('c', { state: 'exited' })
  const r = claimContainer(h.store, c.id)
  assert.is(r.kind, 'claimed')
  assert.equal(r.kind === 'claimed' && [r.previousState, r.resumed], ['exited', false])
  const row = getContainer(h.store, c.id)!
  assert.equal([row.state, row.ownerPid, row.ownerStart], ['removing', process.pid, currentProcess().start])
  assert.ok(row.removingSince !== null)
  updateContainer(h.store, c.id, { ownerPid: parent.pid, ownerStart: parent.start })
  assert.equal(claimContainer(h.store, c.id), { kind: 'busy', owner: parent })
  deleteContainerRow(h.store, c.id)
  assert.equal(claimContainer(h.store, c.id), { kind: 'gone' })
}))

test('crash resume: a run that dies mid-way leaves removing; the next run finishes with every step', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b')
  h.dep(a, b)
  const faulty = new FakeBackend().failAt(b.id, 'teardownStorage', 'killed mid-way', 1)
  const first = await runEngine(h, [a, b], { backend: faulty })
  assert.equal(statusByName(first.report), { a: 'removed', b: 'failed' })
  assert.equal(stepsOf(first.report, b.id), ['claimed', 'stopped', 'network-detached', 'runtime-deleted', 'failed'])
  assert.is(getContainer(h.store, b.id)?.state, 'removing')
  const second = await runEngine(h, [getContainer(h.store, b.id)!], { backend: faulty })
  assert.equal(statusByName(second.report), { b: 'removed' })
  assert.equal(stepsOf(second.report, b.id), ALL_STEPS)
  assert.equal(faulty.callsFor(b.id), ['stop', 'detachNetwork', 'deleteRuntime', 'teardownStorage', 'stop', 'detachNetwork', 'deleteRuntime', 'teardownStorage'])
  assert.is(getContainer(h.store, b.id), undefined)
}))

test('a dead owner\'s claim is taken over', () => withHarness(async h => {
  const c = h.container('orphan', { state: 'removing', ownerPid: 2 ** 22 + 7, ownerStart: '12345', removingSince: 5 })
  const { report } = await runEngine(h, [c])
  assert.equal(statusByName(report), { orphan: 'removed' })
  assert.equal(stepsOf(report, c.id), ALL_STEPS)
}))

test('a live other owner: we wait until it finishes, without doing the steps; skipped (removed by it), not removed by us', () => withHarness(async h => {
  const c = h.container('contended', { state: 'removing', ownerPid: parent.pid, ownerStart: parent.start, removingSince: 5 })
  const backend = new FakeBackend()
  const timer = setTimeout(() => deleteContainerRow(h.store, c.id), 100)
  try {
    const { report } = await runEngine(h, [c], { backend, claimPollMs: 10, claimWaitMs: 60_000 })
    assert.equal(report.containers.map(x => x.outcome), [{ status: 'skipped', reason: `container ${c.id} was already removed by process ${parent.pid}`, removedBy: parent.pid }])
    assert.equal(backend.calls, [])
  } finally {
    clearTimeout(timer)
  }
}))

test('a row deleted between resolve and claim (another process removed it): skipped, not removed, no steps', () => withHarness(async h => {
  const c = h.container('raced', { state: 'running' })
  const kept = h.container('kept', { state: 'exited' })
  const prep = prepareRemoval(h.store, { mode: 'rm', targets: [{ id: c.id, input: 'raced' }, { id: kept.id, input: 'kept' }], force: true, depend: false, volumes: false })
  deleteContainerRow(h.store, c.id)
  const backend = new FakeBackend()
  const report = await executeRemoval(h.host, prep, { backend })
  assert.equal(report.containers.map(x => [x.name, x.outcome]), [
    ['raced', { status: 'skipped', reason: `container ${c.id} was already removed` }],
    ['kept', { status: 'removed' }],
  ])
  assert.equal(backend.callsFor(c.id), [])
  assert.equal(stepsOf(report, c.id), [])
  const json = reportToJson(report) as { containers: { name: string, outcome: string }[] }
  assert.equal(json.containers.map(x => [x.name, x.outcome]), [['raced', 'skipped'], ['kept', 'removed']])
}))

test('pod rm: a pod another process took down after we planned it is skipped, not removed; one whose members it took is still ours', () => withHarness(async h => {
  const gone = h.pod('gone', { members: ['gone-m'] })
  const ours = h.pod('ours', { members: ['ours-m'] })
  const prep = prepareRemoval(h.store, { mode: 'pod-rm', targets: [], pods: [gone.pod, ours.pod], force: true, depend: false, volumes: true })
  // "Another process": every row of pod gone, and only the containers of pod ours.
  for (const c of [...gone.members, gone.infra!, ...ours.members, ours.infra!]) deleteContainerRow(h.store, c.id)
  deletePodRow(h.store, gone.pod.id)
  const report = await executeRemoval(h.host, prep, { backend: new FakeBackend() })
  assert.equal(report.pods.map(p => [p.name, p.outcome]), [
    ['gone', { status: 'skipped', reason: `pod ${gone.pod.id} was already removed` }],
    ['ours', { status: 'removed' }],
  ])
  assert.ok(report.containers.every(c => c.outcome.status === 'skipped'))
  assert.equal(report.events.filter(e => e.step === 'pod-deleted').map(e => e.container), [ours.pod.id])
  assert.is(getPod(h.store, ours.pod.id), undefined)
}))

test('a live other owner that never finishes: bounded wait, then an error naming it', () => withHarness(async h => {
  const c = h.container('stuck', { state: 'removing', ownerPid: parent.pid, ownerStart: parent.start, removingSince: 5 })
  const { report, backend } = await runEngine(h, [c], { claimPollMs: 5, claimWaitMs: 30 })
  assert.match(errorOf(report, 'stuck')!, `container ${c.id} is being removed by process ${parent.pid}`)
  assert.equal(backend.calls, [])
  assert.is(getContainer(h.store, c.id)?.ownerPid, parent.pid)
}))

test('interrupted mid-step (SIGINT): the claimed container stays removing, unstarted ones untouched; the next run finishes', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b')
  h.dep(a, b)
  const backend = new FakeBackend().delayAt(a.id, 'deleteRuntime', 60_000)
  const { report } = await runEngine(h, [a, b], { backend, onEvent: e => { if (e.container === a.id && e.step === 'network-detached') h.abort.abort(new Error('SIGINT')) } })
  assert.is(errorOf(report, 'a'), `removing container ${a.id}: interrupted`)
  assert.match(errorOf(report, 'b')!, `container ${b.id} was not removed`)
  assert.equal([getContainer(h.store, a.id)?.state, getContainer(h.store, b.id)?.state], ['removing', 'created'])
  assert.equal(backend.callsFor(b.id), [])
  const again = await removeContainers({ ...h.host, signal: new AbortController().signal },
    { mode: 'rm', targets: [{ id: a.id }, { id: b.id }], force: false, depend: false, volumes: false }, { backend: new FakeBackend() })
  assert.equal(statusByName(again), { a: 'removed', b: 'removed' })
  assert.equal(h.ids(), [])
}))

test.run()
