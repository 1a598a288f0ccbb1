import type { Host } from '../host.js'
import type { ExecuteOptions } from './engine.js'
import { executeRemoval } from './engine.js'
import type { RemovalRequest } from './prepare.js'
import { prepareRemoval } from './prepare.js'
import type { RemoveReport } from './report.js'

export type { RemovalBackend, RemovalBackendFactory } from './backend.js'
export { defaultMaxWorkers, executeRemoval } from './engine.js'
export type { ExecuteOptions } from './engine.js'
export type { RemovalEvent, RemovalEventListener, RemovalStep } from './events.js'
export { createHostBackend } from './host-backend.js'
export { prepareRemoval } from './prepare.js'
export type { PreparedRemoval, RemovalRequest } from './prepare.js'
export type { ContainerOutcome, Outcome, PodOutcome, RemoveReport } from './report.js'
export { resolveContainerTargets, resolvePodTargets } from './resolve.js'
export type { RemovalTarget } from './resolve.js'

// Plans, validates and runs a removal: the library entry point (network rm -f,
// volume rm -f and system reset call this too).
export async function removeContainers (host: Host, request: RemovalRequest, opts: ExecuteOptions): Promise<RemoveReport> {
  return await executeRemoval(host, prepareRemoval(host.store, request), opts)
}
