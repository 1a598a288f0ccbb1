import { PodctlError } from '../errors.js'

// Podman's wording for every removal error, in one place. No hints: stderr matches Podman's.

export function runningWithoutForce (id: string, state: string): PodctlError {
  return new PodctlError('CONTAINER_STATE_IMPROPER',
    `cannot remove container ${id} as it is ${state} - running or paused containers cannot be removed without force: container state improper`)
}

export function hasDependents (id: string, dependents: readonly string[]): PodctlError {
  return new PodctlError('CONTAINER_HAS_DEPENDENTS',
    `container ${id} has dependent containers which must be removed before it: ${dependents.join(', ')}: container already exists`)
}

// Podman's has-dependents error for containers that came to depend on `id` while the
// run went (created by another process after the plan was made). pod rm -f plans again.
export class LateDependentsError extends PodctlError {
  readonly dependents: readonly string[]
  constructor (id: string, dependents: readonly string[]) {
    super('CONTAINER_HAS_DEPENDENTS', hasDependents(id, dependents).message)
    this.dependents = dependents
  }
}

export function lateDependents (id: string, dependents: readonly string[]): LateDependentsError {
  return new LateDependentsError(id, dependents)
}

export function infraOutsidePod (id: string, podId: string): PodctlError {
  return new PodctlError('INVALID_ARGUMENT', `container ${id} is the infra container of pod ${podId} and cannot be removed without removing the pod`)
}

export function dependencyCycle (id: string, cycle: readonly string[]): PodctlError {
  return new PodctlError('DEPENDENCY_CYCLE', `container ${id} is part of a dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`)
}

// A container kept because something that depends on it could not be removed.
export function keptForDependent (id: string, failedId: string, cause: unknown): PodctlError {
  return new PodctlError('CONTAINER_HAS_DEPENDENTS', `container ${id} was not removed: container ${failedId} that depends on it could not be removed`, { cause })
}

export function interrupted (id: string): PodctlError {
  return new PodctlError('INTERRUPTED', `container ${id} was not removed: interrupted`)
}

export function claimedByOther (id: string, pid: number, waitedMs: number): PodctlError {
  return new PodctlError('LOCK_TIMEOUT', `container ${id} is being removed by process ${pid}; still not gone after ${Math.round(waitedMs / 1000)} s`)
}

export function notAllPodContainersRemoved (podId: string): PodctlError {
  return new PodctlError('RUNTIME_FAILED', `not all containers could be removed from pod ${podId}: removing pod containers`)
}

export function podMemberFailed (ctrId: string, podId: string, err: PodctlError): PodctlError {
  return new PodctlError(err.code, `error removing container ${ctrId} from pod ${podId}: ${err.message}`, { cause: err })
}

// Why a target is 'skipped': another process removed it (the one whose claim we waited
// on, when known), or its row went between resolve and claim. Not an error (exit 0).
export function alreadyRemoved (what: 'container' | 'pod', id: string, by?: number): string {
  return by === undefined ? `${what} ${id} was already removed` : `${what} ${id} was already removed by process ${by}`
}
