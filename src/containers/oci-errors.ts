import { errorMessage, isPodctlError, PodctlError } from '../errors.js'
import { EXIT } from '../exit-policy.js'
import type { Host } from '../host.js'


export interface OciStartError extends PodctlError { invokeExitCode: number }

// Classifies the runtime's failure to start the process ("exec: ...: executable file not
// found" → 127, "permission denied" and the rest → 126, as Podman's define.ExitCode) and
// carries the exit code `run` should end with. The message stays the runtime's own.
export function ociStartError (host: Host, err: unknown): OciStartError {
  const raw = errorMessage(err).trim()
  const code = /not found|no such file/i.test(raw) ? EXIT.NOT_FOUND : EXIT.CANNOT_INVOKE
  if (isPodctlError(err)) return Object.assign(err, { invokeExitCode: code })
  const e = new PodctlError('RUNTIME_FAILED', `${host.config.runtime} ${raw}`, { cause: err }) as OciStartError
  e.invokeExitCode = code
  return e
}
