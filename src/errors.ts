// Stable error codes: a published code never changes meaning.
export const ERROR_CODES = {
  NO_SUCH_CONTAINER: 'NO_SUCH_CONTAINER',
  NO_SUCH_POD: 'NO_SUCH_POD',
  NO_SUCH_IMAGE: 'NO_SUCH_IMAGE',
  NO_SUCH_VOLUME: 'NO_SUCH_VOLUME',
  NO_SUCH_NETWORK: 'NO_SUCH_NETWORK',
  CONTAINER_STATE_IMPROPER: 'CONTAINER_STATE_IMPROPER',
  CONTAINER_HAS_DEPENDENTS: 'CONTAINER_HAS_DEPENDENTS',
  IN_USE: 'IN_USE',
  NAME_IN_USE: 'NAME_IN_USE',
  AMBIGUOUS_ID: 'AMBIGUOUS_ID',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  DEPENDENCY_CYCLE: 'DEPENDENCY_CYCLE',
  RUNTIME_FAILED: 'RUNTIME_FAILED',
  NETWORK_FAILED: 'NETWORK_FAILED',
  STORAGE_FAILED: 'STORAGE_FAILED',
  STATE_FAILED: 'STATE_FAILED',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  INTERRUPTED: 'INTERRUPTED',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = keyof typeof ERROR_CODES

export interface PodctlErrorOptions {
  hint?: string
  cause?: unknown
}

export class PodctlError extends Error {
  override readonly name = 'PodctlError'
  readonly code: ErrorCode
  readonly hint?: string
  readonly isPodctlError = true
  constructor (code: ErrorCode, message: string, opts: PodctlErrorOptions = {}) {
    super(message, { cause: opts.cause })
    this.code = code
    if (opts.hint !== undefined) this.hint = opts.hint
  }
}

export function isPodctlError (err: unknown): err is PodctlError {
  return typeof err === 'object' && err !== null && (err as { isPodctlError?: unknown }).isPodctlError === true
}

export function isErrorCode (err: unknown, code: ErrorCode): boolean {
  return isPodctlError(err) && err.code === code
}

export function errorMessage (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

export function invalidArgument (message: string, hint?: string): PodctlError {
  return new PodctlError('INVALID_ARGUMENT', message, hint === undefined ? {} : { hint })
}
