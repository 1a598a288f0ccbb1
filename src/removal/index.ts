import type { Host } from '../host.js'
import type { DryRunPlan } from './dry-run.js'
import { describeDryRun } from './dry-run.js'
import type { ExecuteOptions } from './engine.js'
import { executeRemoval } from './engine.js'
import { createHostBackend } from './host-backend.js'
import type { PreparedRemoval, RemovalRequest } from './prepare.js'
import { prepareRemoval } from './prepare.js'
import { LateDependentsError } from './messages.js'
import { mergeReports } from './report.js'
import type { RemoveReport } from './report.js'
import { getPod } from '../state/pod-rows.js'

export type { RemovalBackend, RemovalBackendFactory } from './backend.js'
export { defaultMaxWorkers, executeRemoval } from './engine.js'
export type { ExecuteOptions } from './engine.js'
export type { RemovalEvent, RemovalEventListener, RemovalStep } from './events.js'
export { createHostBackend } from './host-backend.js'
export { prepareRemoval } from './prepare.js'
export type { PreparedRemoval, RemovalRequest, RemovalTarget } from './prepare.js'
export type { ContainerOutcome, Outcome, PodOutcome, RemoveReport } from './report.js'
export { reportToJson } from './report.js'
export { renderDryRun } from './dry-run.js'
export type { DryRunPlan } from './dry-run.js'

// The library's options for a whole removal: the engine's, with the host backend as the
// default, and a callback with the number of containers once the plan is made.
export type RemoveOptions = Partial<Pick<ExecuteOptions, 'backend'>> & Omit<ExecuteOptions, 'backend'> & {
  onPlanned?: (containers: number) => void
}

function execute (host: Host, prep: PreparedRemoval, opts: RemoveOptions): Promise<RemoveReport> {
  const { onPlanned, backend, ...rest } = opts
  onPlanned?.(prep.containers.size)
  return executeRemoval(host, prep, { ...rest, backend: backend ?? createHostBackend(host) })
}

// Plans, validates and runs a removal of containers (rm, network rm -f, volume rm -f,
// image rm -f, system reset). Validation failures are outcomes in the report, not throws.
export async function removeContainers (host: Host, request: RemovalRequest, opts: RemoveOptions = {}): Promise<RemoveReport> {
  return await execute(host, prepareRemoval(host.store, request), opts)
}

// The most rounds pod rm -f runs for pods that gained members while it went.
const POD_REPLAN_ROUNDS = 3

// Removes pods with all their members. With force, a pod that another process added a
// container to while this run went (its row stays, or its infra gained a dependent) is
// planned and removed again, a bounded number of times; the reports are merged.
export async function removePods (host: Host, request: RemovalRequest, opts: RemoveOptions = {}): Promise<RemoveReport> {
  let report = await execute(host, prepareRemoval(host.store, request), opts)
  const again = { ...opts, onPlanned: undefined }
  for (let round = 0; round < POD_REPLAN_ROUNDS && request.force; round++) {
    const late = report.pods.flatMap(p => {
      const onlyLate = p.memberErrors.every(e => e.cause instanceof LateDependentsError)
      const pod = p.outcome.status === 'failed' && onlyLate ? getPod(host.store, p.id) : undefined
      return pod === undefined ? [] : [pod]
    })
    if (late.length === 0) break
    report = mergeReports(report, await execute(host, prepareRemoval(host.store, { ...request, pods: late }), again))
  }
  return report
}

export interface RemovalDryRun {
  plan: DryRunPlan
  cycles: string[][]
  // What validation would refuse, as the real run would report it.
  errors: unknown[]
}

// --dry-run: the plan, validated, and nothing touched.
export function describeRemoval (host: Host, request: RemovalRequest): RemovalDryRun {
  const prep = prepareRemoval(host.store, request)
  return { plan: describeDryRun(prep), cycles: prep.plan.cycles, errors: [...prep.preErrors.values()] }
}
