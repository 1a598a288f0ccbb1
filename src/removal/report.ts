import type { PodctlError } from '../errors.js'
import type { RemovalEvent } from './events.js'

// 'removed' means this process removed it (and only then is it printed). A container or
// pod another process removed, or that vanished between resolve and claim, is 'skipped'
// (already gone, as Podman's rm -f of a missing container): removedBy names the process
// whose claim this run waited on, when there was one.
export type Outcome =
  | { status: 'removed' }
  | { status: 'skipped', reason: string, removedBy?: number }
  | { status: 'failed', error: PodctlError }

export interface ContainerOutcome {
  id: string
  name: string
  // The reference as the user typed it; absent for --all/--filter/--latest/--depend extras.
  input?: string
  podId: string | null
  outcome: Outcome
}

export interface PodOutcome {
  id: string
  name: string
  outcome: Outcome
  // For a failed pod: the member errors behind it.
  memberErrors: PodctlError[]
}

// Exactly one outcome per container and pod the run was asked about.
export interface RemoveReport {
  containers: ContainerOutcome[]
  pods: PodOutcome[]
  events: RemovalEvent[]
}

export function outcomeToJson (o: Outcome): Record<string, unknown> {
  if (o.status === 'failed') return { outcome: 'failed', error: o.error.message, code: o.error.code }
  if (o.status === 'skipped') return { outcome: 'skipped', reason: o.reason, ...(o.removedBy === undefined ? {} : { removedBy: o.removedBy }) }
  return { outcome: 'removed' }
}

export function reportToJson (r: RemoveReport): Record<string, unknown> {
  return {
    containers: r.containers.map(c => ({ id: c.id, name: c.name, ...(c.input === undefined ? {} : { input: c.input }), pod: c.podId, ...outcomeToJson(c.outcome) })),
    pods: r.pods.map(p => ({ id: p.id, name: p.name, ...outcomeToJson(p.outcome) })),
    events: r.events,
  }
}

// The first run's report with a later run's pods and containers taking their place.
export function mergeReports (first: RemoveReport, later: RemoveReport): RemoveReport {
  const pods = new Map(first.pods.map(p => [p.id, p]))
  for (const p of later.pods) pods.set(p.id, p)
  const containers = new Map(first.containers.map(c => [c.id, c]))
  for (const c of later.containers) containers.set(c.id, c)
  return { containers: [...containers.values()], pods: [...pods.values()], events: [...first.events, ...later.events] }
}
