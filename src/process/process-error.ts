// Why a process run failed, with everything it said. The message is worded as
// Node's execFile words it ("Command failed: <cmd>\n<stderr>", "spawn <file>
// ENOENT"), so messages built on it stay as they were; "interrupted" when aborted.
export class ProcessError extends Error {
  override readonly name = 'ProcessError'
  readonly isProcessError = true
  // file and arguments joined by spaces (for messages only: they were never a shell line).
  readonly command: string
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly isCanceled: boolean
  // errno code ('ENOENT', 'EACCES', …) when the process could not be started at all.
  readonly code: string | undefined

  constructor (message: string, fields: Omit<ProcessError, keyof Error | 'isProcessError'>, cause?: unknown) {
    super(message, cause === undefined ? {} : { cause })
    this.command = fields.command
    this.exitCode = fields.exitCode
    this.signal = fields.signal
    this.stdout = fields.stdout
    this.stderr = fields.stderr
    this.timedOut = fields.timedOut
    this.isCanceled = fields.isCanceled
    this.code = fields.code
  }
}

export function isProcessError (err: unknown): err is ProcessError {
  return typeof err === 'object' && err !== null && (err as { isProcessError?: unknown }).isProcessError === true
}
