import type { ChildProcess, StdioOptions } from 'node:child_process'
import type { Readable } from 'node:stream'

import { ProcessError } from './process-error.js'

// The only module that starts processes. Always an argument array, never a shell.

// How long a process may take to exit after SIGTERM before it gets SIGKILL.
export const FORCE_KILL_AFTER_MS = 2_000
const MAX_BUFFER = 16 * 1024 * 1024

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  // Its own process group / session (a terminal's Ctrl-C does not reach it).
  detached?: boolean
  // Default: a pipe for each of stdin, stdout and stderr.
  stdio?: StdioOptions
  // Past this, the process is ended: killSignal, then SIGKILL after forceKillAfterMs.
  timeoutMs?: number
  // Aborting ends the process the same way.
  signal?: AbortSignal
  killSignal?: NodeJS.Signals
  forceKillAfterMs?: number
}

export interface ProcessExit {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  isCanceled: boolean
  // Set when it could not be started at all (ENOENT, EACCES, …).
  spawnError?: NodeJS.ErrnoException
}

export interface SpawnedProcess {
  readonly child: ChildProcess
  // Settles (never rejects) when the process has exited, or failed to start.
  readonly exited: Promise<ProcessExit>
  // Settles (never rejects) when, besides, its stdio streams have closed.
  readonly closed: Promise<ProcessExit>
  // killSignal (default SIGTERM), then SIGKILL after the grace; harmless once it is gone.
  terminate: () => void
}

// Starts file with streaming stdio, bounded by the timeout and the signal (SIGTERM, then
// SIGKILL: execa's forceKillAfterDelay). For callers that read or hand on the streams
// themselves; runProcess is the capture-everything form.
export function spawnProcess (file: string, args: readonly string[], opts: SpawnOptions = {}): SpawnedProcess {
  // node:child_process is loaded on the first spawn, not at start-up (ps of an empty state,
  // --help and every error path spawn nothing; compiling it costs about 8 ms).
  const child = process.getBuiltinModule('node:child_process').spawn(file, [...args], {
    stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'],
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    ...(opts.detached === undefined ? {} : { detached: opts.detached }),
  })
  let timedOut = false
  let isCanceled = false
  let forceKill: NodeJS.Timeout | undefined
  const running = (): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null
  const terminate = (): void => {
    if (!running()) return
    child.kill(opts.killSignal ?? 'SIGTERM')
    forceKill ??= setTimeout(() => { if (running()) child.kill('SIGKILL') }, opts.forceKillAfterMs ?? FORCE_KILL_AFTER_MS)
  }
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => { timedOut = true; terminate() }, opts.timeoutMs)
  const onAbort = (): void => { isCanceled = true; terminate() }
  const done = (): void => {
    clearTimeout(timer)
    clearTimeout(forceKill)
    opts.signal?.removeEventListener('abort', onAbort)
  }
  const outcome = (exitCode: number | null, signal: NodeJS.Signals | null): ProcessExit => ({ exitCode, signal, timedOut, isCanceled })
  // Stays attached: a later 'error' (a failed kill) must not become an uncaught exception.
  const failedToStart = new Promise<ProcessExit>(resolve => {
    child.on('error', (err: NodeJS.ErrnoException) => { if (child.pid === undefined) { done(); resolve({ ...outcome(null, null), spawnError: err }) } })
  })
  const exited = Promise.race([failedToStart, new Promise<ProcessExit>(resolve => {
    child.once('exit', (code, sig) => { done(); resolve(outcome(code, sig)) })
  })])
  const closed = Promise.race([failedToStart, new Promise<ProcessExit>(resolve => {
    child.once('close', (code, sig) => { resolve(outcome(code, sig)) })
  })])
  if (opts.signal?.aborted === true) onAbort()
  else opts.signal?.addEventListener('abort', onAbort, { once: true })
  return { child, exited, closed, terminate }
}

export interface RunOptions extends Omit<SpawnOptions, 'stdio' | 'detached'> {
  // Written to stdin, which is then closed (closed at once without it).
  input?: string | Buffer
  // Per stream; past it the process is ended and the run fails. Default 16 MiB.
  maxBuffer?: number
}

export interface ProcessResult { stdout: string, stderr: string }

// Runs file to completion and captures stdout and stderr (UTF-8). Rejects with a
// ProcessError on a non-zero exit, death by a signal, timeout, abort, or failure to start;
// an already aborted signal starts nothing.
export async function runProcess (file: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const command = [file, ...args].join(' ')
  const fail = (message: string, exit: ProcessExit, out: ProcessResult, cause?: unknown): ProcessError => new ProcessError(message, {
    command, exitCode: exit.exitCode, signal: exit.signal, ...out, timedOut: exit.timedOut, isCanceled: exit.isCanceled, code: exit.spawnError?.code,
  }, cause)
  if (opts.signal?.aborted === true) {
    throw fail('interrupted', { exitCode: null, signal: null, timedOut: false, isCanceled: true }, { stdout: '', stderr: '' }, opts.signal.reason)
  }
  const p = spawnProcess(file, args, opts)
  const maxBuffer = opts.maxBuffer ?? MAX_BUFFER
  let overflow: 'stdout' | 'stderr' | undefined
  const collect = (stream: Readable | null, name: 'stdout' | 'stderr'): (() => string) => {
    let text = ''
    stream?.setEncoding('utf8').on('data', (d: string) => {
      if (overflow !== undefined) return
      if (text.length + d.length > maxBuffer) { overflow = name; p.terminate(); return }
      text += d
    })
    return () => text
  }
  const stdout = collect(p.child.stdout, 'stdout')
  const stderr = collect(p.child.stderr, 'stderr')
  p.child.stdin?.on('error', () => { /* it may exit without reading its stdin */ })
  p.child.stdin?.end(opts.input)
  const exit = await p.closed
  const out = { stdout: stdout(), stderr: stderr() }
  if (exit.spawnError !== undefined) throw fail(exit.spawnError.message, exit, out, exit.spawnError)
  if (exit.isCanceled) throw fail('interrupted', exit, out, opts.signal?.reason)
  if (overflow !== undefined) throw fail(`${overflow} maxBuffer length exceeded`, exit, out)
  if (exit.exitCode !== 0 || exit.timedOut) throw fail(`Command failed: ${command}\n${out.stderr}`, exit, out)
  return out
}
