import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import type { ProcessIdentity } from '../state/claims.js'
import { claimContainer } from '../state/claims.js'
import type { GroupCommit } from '../state/group-commit.js'
import type { ContainerRecord } from '../state/types.js'
import type { RemovalBackend } from './backend.js'
import { deleteContainerRows } from './delete-rows.js'
import { faultPoint } from './fault-injection.js'
import type { RemovalStep } from './events.js'
import { claimedByOther, lateDependents } from './messages.js'
import type { RunState } from './run-state.js'

export interface StepContext {
  host: Host
  backend: RemovalBackend
  state: RunState
  me: ProcessIdentity
  // -t in seconds (Infinity for -t -1: never SIGKILL); undefined: each container's own.
  timeoutSec: number | undefined
  removeVolumes: boolean
  volumesOf: ReadonlyMap<string, readonly string[]>
  podTargets: ReadonlySet<string>
  claimWaitMs: number
  claimPollMs: number
  // The records read when the run was planned.
  containers: ReadonlyMap<string, ContainerRecord>
  emit: (container: string, step: RemovalStep, error?: string) => void
  // Claims and deletes of one run share commits (one per turn of the event loop).
  commit: GroupCommit
}

export type StepResult =
  // This process claimed the container and did every step.
  | { removed: true, podDeleted: boolean }
  // The row was gone when we came to claim it: another process removed it (removedBy:
  // the live owner whose claim we waited on, if we saw one). Nothing was done here.
  | { removed: false, removedBy?: number }

// Removes one container, in DESIGN 3.4 order. Every step is idempotent, and the claim
// is persisted first, so a run killed anywhere leaves a 'removing' row the next run finishes.
export async function removeOneContainer (ctx: StepContext, id: string): Promise<StepResult> {
  const { host, backend, emit } = ctx
  const signal = host.signal
  const claimed = await claimOrWait(ctx, id)
  if ('gone' in claimed) return { removed: false, ...(claimed.removedBy === undefined ? {} : { removedBy: claimed.removedBy }) }
  const c = claimed.container
  await ctx.state.markClaimed(id)
  emit(id, 'claimed')
  await faultPoint('claimed', c, signal)
  checkAborted(signal, id)
  await backend.stop(c, ctx.timeoutSec, signal)
  emit(id, 'stopped')
  checkAborted(signal, id)
  // Once the process is dead, network teardown and the runtime delete need nothing from
  // each other (the netns is podctl's bind mount, not the runtime's; DEL needs only it and
  // the cached result): they run at once, each event when its own step ends. Storage waits
  // for both. A failure in either still lets the other finish; the first error is thrown.
  await bothOrFirstError(
    backend.detachNetwork(c, signal).then(() => { emit(id, 'network-detached') }),
    backend.deleteRuntime(c, signal).then(() => { emit(id, 'runtime-deleted') }),
  )
  checkAborted(signal, id)
  await backend.teardownStorage(c, signal)
  emit(id, 'storage-removed')
  await faultPoint('volumes-removed', c, signal)
  const volumes = ctx.removeVolumes ? ctx.volumesOf.get(id) ?? [] : []
  if (volumes.length > 0) {
    for (const v of await ctx.state.releaseVolumes(volumes)) await backend.removeVolumeData(v, signal)
  }
  emit(id, 'volumes-removed')
  await faultPoint('deleted', c, signal)
  const rows = await ctx.state.withVolumes(volumes, isUnused => ctx.commit.run(() => deleteContainerRows(host.store, id, c.podId, {
    removePod: c.podId !== null && ctx.podTargets.has(c.podId),
    volumes: volumes.filter(isUnused),
  })))
  if (c.cidfile !== null) removeFileIfPresent(c.cidfile)
  emit(id, 'deleted')
  if (rows.podDeleted && c.podId !== null) {
    await ctx.state.markPodDeleted(c.podId)
    emit(c.podId, 'pod-deleted')
  }
  return { removed: true, podDeleted: rows.podDeleted }
}

type Claimed = { container: ContainerRecord } | { gone: true, removedBy: number | undefined }

// Takes the claim; while another live process holds it, polls until that process has
// removed the container (gone, removedBy: that process), died (take over) or claimWaitMs
// passes. A row already gone at the first try (deleted between resolve and claim) is
// gone with no removedBy: either way this process did not remove it.
async function claimOrWait (ctx: StepContext, id: string): Promise<Claimed> {
  const started = Date.now()
  let owner: number | undefined
  for (;;) {
    checkAborted(ctx.host.signal, id)
    const r = await ctx.commit.run(() => claimContainer(ctx.host.store, id as ContainerId, ctx.me))
    if (r.kind === 'gone') return { gone: true, removedBy: owner }
    if (r.kind === 'depended') throw lateDependents(id, r.dependents)
    if (r.kind === 'claimed') {
      const planned = ctx.containers.get(id)
      if (planned === undefined) throw new Error(`Assertion failed: container ${id} is not part of this run`)
      // The backend sees the state from before the claim (it decides whether to stop).
      return { container: { ...planned, state: r.previousState, ownerPid: r.owner.pid, ownerStart: r.owner.start, removingSince: r.removingSince } }
    }
    owner = r.owner.pid
    const waited = Date.now() - started
    if (waited >= ctx.claimWaitMs) throw claimedByOther(id, owner, waited)
    await sleep(ctx.claimPollMs, undefined, { signal: ctx.host.signal }).catch(() => {})
  }
}

async function bothOrFirstError (a: Promise<void>, b: Promise<void>): Promise<void> {
  const [ra, rb] = await Promise.allSettled([a, b])
  if (ra.status === 'rejected') throw ra.reason
  if (rb.status === 'rejected') throw rb.reason
}

function checkAborted (signal: AbortSignal, id: string): void {
  if (signal.aborted) throw new PodctlError('INTERRUPTED', `removing container ${id}: interrupted`, { cause: signal.reason })
}

export function removeFileIfPresent (file: string): void {
  try {
    fs.unlinkSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new PodctlError('STORAGE_FAILED', `removing ${file}: ${(err as Error).message}`, { cause: err })
  }
}
