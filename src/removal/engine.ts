import { getMaxListeners, setMaxListeners } from 'node:events'
import os from 'node:os'

import pLimit from 'p-limit'

import { errorMessage, isPodctlError, PodctlError } from '../errors.js'
import { dependenciesOf } from '../graph/dependency-graph.js'
import type { Host } from '../host.js'
import type { ProcessIdentity } from '../state/claims.js'
import { currentProcess } from '../state/claims.js'
import { GroupCommit } from '../state/group-commit.js'
import { getPod } from '../state/pod-rows.js'
import type { RemovalBackend } from './backend.js'
import { deleteEmptyPodRow } from './delete-rows.js'
import type { RemovalEvent, RemovalEventListener, RemovalStep } from './events.js'
import { alreadyRemoved, interrupted, keptForDependent, notAllPodContainersRemoved, podMemberFailed } from './messages.js'
import type { PreparedRemoval } from './prepare.js'
import type { ContainerOutcome, Outcome, PodOutcome, RemoveReport } from './report.js'
import { RunState } from './run-state.js'
import { removeFileIfPresent, removeOneContainer } from './steps.js'

export interface ExecuteOptions {
  backend: RemovalBackend
  // -t: overrides every container's own stop timeout.
  timeoutSec?: number
  maxWorkers?: number
  onEvent?: RemovalEventListener
  // Called once per container outcome (progress display).
  onSettled?: (id: string, outcome: Outcome) => void
  // Keep events in the report (default true; the bench turns it off).
  collectEvents?: boolean
  claimWaitMs?: number
  claimPollMs?: number
  identity?: ProcessIdentity
}

// I/O-bound work (runtime and CNI processes, unmounts): well above the core count.
export function defaultMaxWorkers (): number {
  return Math.max(4, 4 * os.availableParallelism())
}

// Runs a prepared removal as a ready-queue (Kahn) walk: a container goes to the shared
// p-limit pool the moment its last dependent is gone, never waiting for a whole wave;
// pods therefore proceed in parallel. A failure keeps everything the failed container
// depends on (transitively), each with an error naming it, while other branches go on.
export async function executeRemoval (host: Host, prep: PreparedRemoval, opts: ExecuteOptions): Promise<RemoveReport> {
  const events: RemovalEvent[] = []
  const collect = opts.collectEvents !== false
  const emit = (container: string, step: RemovalStep, error?: string): void => {
    // Seven events per container: none is built when nobody keeps or listens to them.
    if (!collect && opts.onEvent === undefined) return
    const e: RemovalEvent = error === undefined ? { ts: Date.now(), container, step } : { ts: Date.now(), container, step, error }
    if (collect) events.push(e)
    opts.onEvent?.(e)
  }
  const state = new RunState()
  const inSet = (id: string): boolean => prep.containers.has(id)
  const pending = new Map<string, number>()
  for (const [, dependency] of prep.plan.order) pending.set(dependency, (pending.get(dependency) ?? 0) + 1)
  for (const id of prep.containers.keys()) await state.addContainer(id, pending.get(id) ?? 0)
  for (const [v, n] of prep.volumeUsers) await state.addVolume(v, n)

  const settle = async (id: string, outcome: Outcome): Promise<void> => {
    if (!await state.settle(id, outcome)) return
    if (outcome.status === 'failed') emit(id, 'failed', outcome.error.message)
    opts.onSettled?.(id, outcome)
  }
  // Keeps everything `failed` depends on, transitively, naming the failed container.
  const poison = async (failed: string, cause: unknown): Promise<void> => {
    const stack = dependenciesOf(prep.graph, failed).filter(inSet)
    while (stack.length > 0) {
      const id = stack.pop()!
      if (await state.outcomeOf(id) !== undefined) continue
      await settle(id, { status: 'failed', error: keptForDependent(id, failed, cause) })
      stack.push(...dependenciesOf(prep.graph, id).filter(inSet))
    }
  }

  const ctx = {
    host, backend: opts.backend, state, me: opts.identity ?? currentProcess(), timeoutSec: opts.timeoutSec,
    removeVolumes: prep.request.volumes, volumesOf: prep.volumesOf, podTargets: new Set(prep.pods.keys()),
    claimWaitMs: opts.claimWaitMs ?? 120_000, claimPollMs: opts.claimPollMs ?? 50, containers: prep.containers, emit,
    commit: new GroupCommit(host.store),
  }
  const workers = opts.maxWorkers ?? defaultMaxWorkers()
  // Every external command a step runs listens on the run's signal until it exits, and a
  // worker runs two at once (network teardown beside the runtime delete): Node's leak
  // warning (at 10 listeners, printed on stderr) is raised to what the pool can hold.
  if (getMaxListeners(host.signal) < 4 * workers) setMaxListeners(4 * workers, host.signal)
  const limit = pLimit(workers)
  let inflight = 0
  let finish!: () => void
  const allDone = new Promise<void>(resolve => { finish = resolve })

  const run = async (id: string): Promise<void> => {
    if (!await state.visit(id)) return
    try {
      if (host.signal.aborted) throw interrupted(id)
      const r = await removeOneContainer(ctx, id)
      // Only the process that removed it reports it removed (and prints it); for the
      // others it was already gone: skipped, not an error.
      await settle(id, r.removed
        ? { status: 'removed' }
        : { status: 'skipped', reason: alreadyRemoved('container', id, r.removedBy), ...(r.removedBy === undefined ? {} : { removedBy: r.removedBy }) })
    } catch (err) {
      const error = isPodctlError(err)
        ? err
        : host.signal.aborted
          ? new PodctlError('INTERRUPTED', `removing container ${id}: interrupted`, { cause: err })
          : new PodctlError('RUNTIME_FAILED', `removing container ${id}: ${errorMessage(err)}`, { cause: err })
      await settle(id, { status: 'failed', error })
      await poison(id, error)
      return
    }
    for (const dep of dependenciesOf(prep.graph, id)) {
      if (inSet(dep) && await state.dependentGone(dep) === 0) submit(dep)
    }
  }
  const submit = (id: string): void => {
    inflight++
    limit(() => run(id))
      .catch((err: unknown) => { host.log.error(`removal engine: container ${id}: ${errorMessage(err)}`) })
      .finally(() => { if (--inflight === 0) finish() })
  }

  // Settle every validation failure before poisoning, so each keeps its own message.
  for (const [id, error] of prep.preErrors) await settle(id, { status: 'failed', error })
  for (const [id, error] of prep.preErrors) await poison(id, error)
  const podsWithMembers = new Set([...prep.containers.values()].map(c => c.podId as string | null))
  for (const p of prep.pods.keys()) {
    if (!podsWithMembers.has(p) && host.store.write(() => deleteEmptyPodRow(host.store, p))) {
      await state.markPodDeleted(p)
      emit(p, 'pod-deleted')
    }
  }
  inflight++ // hold the walk open while seeding
  for (const id of prep.containers.keys()) {
    if ((pending.get(id) ?? 0) === 0 && await state.outcomeOf(id) === undefined) submit(id)
  }
  if (--inflight === 0) finish()
  await allDone
  return await buildReport(host, prep, state, events, emit)
}

async function buildReport (host: Host, prep: PreparedRemoval, state: RunState, events: RemovalEvent[], emit: (id: string, step: RemovalStep) => void): Promise<RemoveReport> {
  const outcomes = await state.outcomes()
  const containers: ContainerOutcome[] = []
  for (const c of prep.containers.values()) {
    const outcome = outcomes.get(c.id) ?? { status: 'failed', error: interrupted(c.id) }
    const input = prep.inputs.get(c.id)
    containers.push({ id: c.id, name: c.name, ...(input === undefined ? {} : { input }), podId: c.podId, outcome })
  }
  const byPod = new Map<string, ContainerOutcome[]>()
  for (const c of containers) if (c.podId !== null && prep.pods.has(c.podId)) byPod.set(c.podId, [...(byPod.get(c.podId) ?? []), c])
  const pods: PodOutcome[] = []
  for (const p of prep.pods.values()) {
    const members = byPod.get(p.id) ?? []
    const memberErrors = members.flatMap(m => m.outcome.status === 'failed' ? [podMemberFailed(m.id, p.id, m.outcome.error)] : [])
    let gone = getPod(host.store, p.id) === undefined
    // Members removed by another process: the pod row is still ours to delete.
    if (!gone && memberErrors.length === 0 && host.store.write(() => deleteEmptyPodRow(host.store, p.id))) {
      await state.markPodDeleted(p.id)
      emit(p.id, 'pod-deleted')
      gone = true
    }
    if (gone && p.podIdFile !== null) removeFileIfPresent(p.podIdFile)
    // Removed only when this run deleted the row; a pod another process took down is skipped.
    const outcome: Outcome = !gone
      ? { status: 'failed', error: notAllPodContainersRemoved(p.id) }
      : await state.podDeletedHere(p.id) ? { status: 'removed' } : { status: 'skipped', reason: alreadyRemoved('pod', p.id) }
    pods.push({ id: p.id, name: p.name, outcome, memberErrors: gone ? [] : memberErrors })
  }
  return { containers, pods, events }
}
