import { PodctlError } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import { isProcessError } from './process-error.js'
import { runProcess } from './run-process.js'

export interface ExecResult { stdout: string, stderr: string }

export interface ExecOptions {
  timeoutMs: number
  signal?: AbortSignal
  code?: ErrorCode
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export interface ExecFailure extends PodctlError {
  stderr?: string
  exitStatus?: number | null
}

// Runs file with an argument array (never a shell), bounded by timeoutMs (SIGTERM, then
// SIGKILL); a non-zero exit becomes a PodctlError whose message carries the trimmed stderr.
export async function execCommand (file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  try {
    return await runProcess(file, args, {
      timeoutMs: opts.timeoutMs,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    })
  } catch (err) {
    if (!isProcessError(err)) throw err
    const what = `${file} ${args.join(' ')}`
    let msg: string
    if (err.code === 'ENOENT') msg = `${file}: executable file not found in $PATH`
    else if (err.isCanceled) msg = `${what}: interrupted`
    else if (err.timedOut) msg = `${what}: timed out after ${opts.timeoutMs} ms`
    else msg = err.stderr.trim() !== '' ? err.stderr.trim() : `${what}: ${err.message.trim()}`
    const failure = new PodctlError(opts.code ?? 'RUNTIME_FAILED', msg, { cause: err }) as ExecFailure
    failure.stderr = err.stderr
    failure.exitStatus = err.exitCode
    throw failure
  }
}
