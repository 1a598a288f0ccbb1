import type { ErrorCode } from './errors.js'
import { isErrorCode, isPodctlError } from './errors.js'

// Every exit status podctl ends with is decided here, from Podman's rules.
export const EXIT = {
  SUCCESS: 0,
  // No such container / pod / image / volume / network; also "findings left" of system check.
  NO_SUCH: 1,
  // Improper state without -f: running container, object in use.
  IMPROPER: 2,
  ERROR: 125,
  // The container's command could not be invoked / was not found (Podman's define.ExitCode).
  CANNOT_INVOKE: 126,
  NOT_FOUND: 127,
} as const

export const EXIT_CODES: Record<ErrorCode, number> = {
  NO_SUCH_CONTAINER: EXIT.NO_SUCH,
  NO_SUCH_POD: EXIT.NO_SUCH,
  NO_SUCH_IMAGE: EXIT.NO_SUCH,
  NO_SUCH_VOLUME: EXIT.NO_SUCH,
  NO_SUCH_NETWORK: EXIT.NO_SUCH,
  CONTAINER_STATE_IMPROPER: EXIT.IMPROPER,
  CONTAINER_HAS_DEPENDENTS: EXIT.ERROR,
  IN_USE: EXIT.IMPROPER,
  NAME_IN_USE: EXIT.ERROR,
  AMBIGUOUS_ID: EXIT.ERROR,
  INVALID_ARGUMENT: EXIT.ERROR,
  DEPENDENCY_CYCLE: EXIT.ERROR,
  RUNTIME_FAILED: EXIT.ERROR,
  NETWORK_FAILED: EXIT.ERROR,
  STORAGE_FAILED: EXIT.ERROR,
  STATE_FAILED: EXIT.ERROR,
  LOCK_TIMEOUT: EXIT.ERROR,
  INTERRUPTED: EXIT.ERROR,
  INTERNAL: EXIT.ERROR,
}

// One error's own status: its code's, 125 for anything that is not a PodctlError.
export function exitCodeFor (err: unknown): number {
  return isPodctlError(err) ? EXIT_CODES[err.code] : EXIT.ERROR
}

// How a command turns the errors it collected into one status:
// - 'batch': Podman's precedence for batch commands: 1 wins over 2, 2 over 125 (rm,
//   volume/network/image rm, and any command that failed with a single error);
// - 'pod-rm': 1 when a pod was missing, 125 for anything else;
// - 'any-error': 125 whatever went wrong (stop, kill, start, inspect, logs, pod start/stop/
//   inspect, volume inspect: Podman exits 125 there even for a missing object);
// - 'invoke': a container that could not be started: 126/127 as the runtime reported, else 125.
export type ExitPolicy = 'batch' | 'pod-rm' | 'any-error' | 'invoke'

export function exitStatus (policy: ExitPolicy, errors: readonly unknown[]): number {
  if (errors.length === 0) return EXIT.SUCCESS
  switch (policy) {
    case 'batch': {
      const codes = errors.map(exitCodeFor)
      if (codes.includes(EXIT.NO_SUCH)) return EXIT.NO_SUCH
      if (codes.includes(EXIT.IMPROPER)) return EXIT.IMPROPER
      return Math.max(...codes)
    }
    case 'pod-rm': return errors.some(e => isErrorCode(e, 'NO_SUCH_POD')) ? EXIT.NO_SUCH : EXIT.ERROR
    case 'any-error': return EXIT.ERROR
    case 'invoke': return invokeExitCodeOf(errors[0]) ?? EXIT.ERROR
  }
}

// Kept by ociStartError on the runtime's failure to start the container's process.
export function invokeExitCodeOf (err: unknown): number | undefined {
  const v = (err as { invokeExitCode?: unknown } | undefined)?.invokeExitCode
  return typeof v === 'number' ? v : undefined
}

// system check: 0 when nothing is left unrepaired, 1 otherwise.
export function checkExitStatus (findings: readonly { repaired?: boolean }[]): number {
  return findings.some(f => f.repaired !== true) ? EXIT.NO_SUCH : EXIT.SUCCESS
}
