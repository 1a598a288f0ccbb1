import { execFile } from 'node:child_process'

import { PodctlError } from '../errors.js'
import type { ErrorCode } from '../errors.js'

export interface ExecResult { stdout: string, stderr: string }

export interface ExecOptions {
  timeoutMs: number
  signal?: AbortSignal
  code?: ErrorCode
  env?: NodeJS.ProcessEnv
}

export interface ExecFailure extends PodctlError {
  stderr?: string
  exitStatus?: number | null
}

// Runs file with an argument array (never a shell), bounded by timeoutMs (SIGKILL after);
// a non-zero exit becomes a PodctlError whose message carries the trimmed stderr.
export function execCommand (file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, {
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
    }, (err, stdout, stderr) => {
      if (err === null) { resolve({ stdout, stderr }); return }
      const e = err as NodeJS.ErrnoException & { killed?: boolean, code?: unknown, signal?: string | null }
      const what = `${file} ${args.join(' ')}`
      let msg: string
      if (e.code === 'ENOENT') msg = `${file}: executable file not found in $PATH`
      else if (e.name === 'AbortError') msg = `${what}: interrupted`
      else if (e.killed === true && e.signal === 'SIGKILL') msg = `${what}: timed out after ${opts.timeoutMs} ms`
      else msg = stderr.trim() !== '' ? stderr.trim() : `${what}: ${e.message.trim()}`
      const failure = new PodctlError(opts.code ?? 'RUNTIME_FAILED', msg, { cause: err }) as ExecFailure
      failure.stderr = stderr
      failure.exitStatus = typeof e.code === 'number' ? e.code : null
      reject(failure)
    })
    child.stdin?.end()
  })
}
