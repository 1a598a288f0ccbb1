import { errorMessage, isPodctlError, PodctlError } from '../errors.js'
import type { Host } from '../host.js'

// Podman's exit codes for a process the runtime could not start: 127 when the command is
// not found, 126 when it cannot be invoked (permission denied, a directory, ...).
export const EXIT_CANNOT_INVOKE = 126
export const EXIT_NOT_FOUND = 127

export interface OciStartError extends PodctlError { invokeExitCode: number }

// Classifies the runtime's failure to start the process ("exec: ...: executable file not
// found" → 127, "permission denied" and the rest → 126, as Podman's define.ExitCode) and
// carries the exit code `run` should end with. The message stays the runtime's own.
export function ociStartError (host: Host, err: unknown): OciStartError {
  const raw = errorMessage(err).trim()
  const code = /not found|no such file/i.test(raw) ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE
  if (isPodctlError(err)) return Object.assign(err, { invokeExitCode: code })
  const e = new PodctlError('RUNTIME_FAILED', `${host.config.runtime} ${raw}`, { cause: err }) as OciStartError
  e.invokeExitCode = code
  return e
}
export function invokeExitCodeOf (err: unknown): number | undefined {
  const v = (err as Partial<OciStartError> | undefined)?.invokeExitCode
  return typeof v === 'number' ? v : undefined
}
