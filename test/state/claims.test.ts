import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../src/removal/fake-backend.js'
import { executeRemoval, prepareRemoval, removeContainers, removePods } from '../../src/removal/index.js'
import { reportToJson } from '../../src/removal/report.js'
import { claimContainer, currentProcess, isProcessAlive, readProcessStart } from '../../src/state/claims.js'
import { addDependency, deleteContainerRow, getContainer, listDependents, updateContainer } from '../../src/state/container-rows.js'
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

// The CI stress race (seed 19620): `run --requires X` planned while X was running, then
// committed its dependency row after `rm -f X` had planned; the delete then failed with
// "FOREIGN KEY constraint failed". Now exactly one side refuses, atomically.
test('late dependent: a container that came to depend on X after the plan keeps X (has dependents), nothing is half-done', () => withHarness(async h => {
  const x = h.container('x', { state: 'running' })
  const prep = prepareRemoval(h.store, { mode: 'rm', targets: [{ id: x.id, input: 'x' }], pods: [], force: true, depend: false, volumes: false })
  const y = h.container('y')
  h.dep(y, x)
  const backend = new FakeBackend()
  const report = await executeRemoval(h.host, prep, { backend })
  assert.equal(statusByName(report), { x: 'failed' })
  assert.is(errorOf(report, 'x'), `container ${x.id} has dependent containers which must be removed before it: ${y.id}: container already exists`)
  assert.equal(backend.calls, [])
  assert.is(getContainer(h.store, x.id)?.state, 'running')
  assert.equal(listDependents(h.store, x.id).map(d => d.containerId), [y.id])
}))

test('a dependency on a container being removed is refused in the insert transaction; on a gone one too', () => withHarness(async h => {
  const x = h.container('x', { state: 'running' })
  const y = h.container('y')
  assert.is(claimContainer(h.store, x.id).kind, 'claimed')
  assert.throws(() => h.store.write(() => addDependency(h.store, { containerId: y.id, dependsOn: x.id, kind: 'network' })),
    (e: Error) => e.message === `container ${x.id} is being removed: container state improper`)
  assert.equal(listDependents(h.store, x.id), [])
  deleteContainerRow(h.store, x.id)
  assert.throws(() => h.store.write(() => addDependency(h.store, { containerId: y.id, dependsOn: x.id, kind: 'network' })),
    (e: Error) => e.message === `container ${x.id} was removed while container ${y.id} was being created: no such container`)
}))

test('pod rm -f: a member created on the infra while the run went is planned again; the pod goes', () => withHarness(async h => {
  const { pod, infra, members } = h.pod('p', { members: ['m'], running: true })
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const backend = new FakeBackend().blockAt(members[0]!.id, 'stop', gate)
  const running = removePods(h.host, { mode: 'pod-rm', targets: [], pods: [pod], force: true, depend: false, volumes: false }, { backend })
  const late = h.container('late', { podId: pod.id, state: 'running' })
  h.dep(late, infra!, 'infra')
  release()
  const report = await running
  assert.equal(statusByName(report), { m: 'removed', 'p-infra': 'removed', late: 'removed' })
  assert.equal(report.pods.map(p => p.outcome.status), ['removed'])
  assert.is(getPod(h.store, pod.id), undefined)
  assert.equal(h.ids(), [])
}))

test.run()
