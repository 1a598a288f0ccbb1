import fs from 'node:fs'
import type { Readable } from 'node:stream'

import { PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import { spawnProcess } from '../process/run-process.js'
import type { SpawnedProcess } from '../process/run-process.js'
import { conmonArgs, findConmon, findExecutable } from './conmon-args.js'
import { endMonitor } from './monitor.js'
import { RUNTIME_TIMEOUT_MS } from './oci-runtime.js'
import type { Created, CreateRequest, MonitorIdentity } from './oci-runtime.js'
import { readStartTime } from './proc-status.js'

export interface ConmonRuntime {
  binary: string
  root: string
  log: Logger
  signal?: AbortSignal
  // conmon's path; default: found in $PATH or where Podman looks.
  conmon?: string
}

interface SyncReport { data: number, message?: string }

// Creates the container under a conmon of its own (Podman's createOCIContainer, without
// a daemon): conmon double-forks, runs `<runtime> create` with pipes as the container's
// stdout/stderr, reports the container PID (or the create error) on the sync pipe, then
// stays as the container's parent and subreaper: it writes the k8s-file log and, when the
// init exits, its exit code to the exit dir, and exits. Resolves once the runtime's
// create has succeeded; the container is not started yet (OciRuntime.start does that).
export async function createWithConmon (rt: ConmonRuntime, c: CreateRequest): Promise<Created> {
  const conmon = rt.conmon ?? findConmon()
  if (conmon === undefined) throw new PodctlError('RUNTIME_FAILED', 'conmon: executable file not found in $PATH (install the conmon package)')
  const runtimePath = findExecutable(rt.binary)
  if (runtimePath === undefined) throw new PodctlError('RUNTIME_FAILED', `${rt.binary}: executable file not found in $PATH`)
  // conmon splits -l DRIVER:PATH at every ':'.
  if (c.logFile.includes(':')) throw new PodctlError('RUNTIME_FAILED', `the container log path ${c.logFile} contains ':', which conmon cannot take`)
  fs.mkdirSync(c.exitDir, { recursive: true, mode: 0o700 })
  fs.mkdirSync(rt.root, { recursive: true, mode: 0o700 })
  for (const f of [c.conmonPidFile, c.runtimeLog, c.exitFile]) fs.rmSync(f, { force: true })
  const args = conmonArgs({ ...c, runtimePath, runtimeRoot: rt.root })
  rt.log.debug(`${conmon} ${args.join(' ')}`)
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3' }
  for (const k of ['_OCI_STARTPIPE', '_OCI_ATTACHPIPE', 'NOTIFY_SOCKET']) delete env[k]
  // Its own process group (a terminal's Ctrl-C is not its business); cwd the bundle dir,
  // where conmon keeps what it writes besides the log (attach socket, ctl fifos).
  const p = spawnProcess(conmon, args, {
    cwd: c.bundle, env, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], ...(rt.signal === undefined ? {} : { signal: rt.signal }),
  })
  try {
    const report = await readReport(p, rt.signal)
    const monitor = readMonitor(c.conmonPidFile)
    if (report.ok && report.sync.data > 0) {
      if (monitor === undefined) throw new PodctlError('RUNTIME_FAILED', `conmon for container ${c.id} wrote no pid file ${c.conmonPidFile}`)
      return { pid: report.sync.data, monitor }
    }
    // It exits by itself after a failed create; one that reported nothing useful is ended.
    await endMonitor(monitor, 0)
    const why = runtimeError(c.runtimeLog) ?? (report.ok ? report.sync.message : undefined) ?? (report.ok ? undefined : report.error)
    throw new PodctlError('RUNTIME_FAILED', `${rt.binary} create ${c.id}: ${(why ?? 'conmon exited without reporting the container').trim().replace(/^\S+ create failed: /, '')}`)
  } finally {
    p.child.unref()
    for (const s of [p.child.stdio[2], p.child.stdio[3]]) (s as Readable | null)?.destroy()
  }
}

type Report = { ok: true, sync: SyncReport } | { ok: false, error: string }

// Waits for conmon's first process to exit (it forks the monitor and exits 0, or fails
// before with a message on stderr), then for the first line on the sync pipe.
async function readReport (p: SpawnedProcess, signal: AbortSignal | undefined): Promise<Report> {
  const stderr = p.child.stdio[2] as Readable
  const sync = p.child.stdio[3] as Readable
  let errText = ''
  stderr.on('data', (d: Buffer) => { errText += d.toString('utf8') })
  const stderrEnd = new Promise<void>(resolve => { stderr.on('end', resolve); stderr.on('error', () => resolve()) })
  const line = new Promise<string | undefined>(resolve => {
    let text = ''
    sync.on('data', (d: Buffer) => {
      text += d.toString('utf8')
      const nl = text.indexOf('\n')
      if (nl >= 0) resolve(text.slice(0, nl))
    })
    sync.on('end', () => { resolve(text === '' ? undefined : text) })
    sync.on('error', () => { resolve(undefined) })
  })
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const cutOff = new Promise<'timeout' | 'interrupted'>(resolve => {
    timer = setTimeout(() => { resolve('timeout') }, RUNTIME_TIMEOUT_MS)
    onAbort = () => { resolve('interrupted') }
    if (signal?.aborted === true) onAbort(); else signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const exit = await Promise.race([p.exited, cutOff])
    if (exit === 'interrupted') { p.terminate(); return { ok: false, error: 'interrupted' } }
    if (exit === 'timeout') { p.child.kill('SIGKILL'); return { ok: false, error: `conmon did not fork within ${RUNTIME_TIMEOUT_MS / 1000} seconds` } }
    const exited = exit.spawnError !== undefined ? exit.spawnError.code ?? exit.spawnError.message : exit.exitCode ?? `signal ${exit.signal ?? '?'}`
    if (exited !== 0) {
      await Promise.race([stderrEnd, cutOff])
      return { ok: false, error: errText.trim() !== '' ? errText.trim() : `conmon exited with ${exited}` }
    }
    const text = await Promise.race([line, cutOff])
    if (text === 'interrupted') return { ok: false, error: 'interrupted' }
    if (text === 'timeout') return { ok: false, error: `conmon reported nothing within ${RUNTIME_TIMEOUT_MS / 1000} seconds` }
    if (text === undefined) return { ok: false, error: errText.trim() || 'conmon exited without reporting the container' }
    try {
      const parsed = JSON.parse(text) as Partial<SyncReport>
      if (typeof parsed.data === 'number') return { ok: true, sync: { data: parsed.data, ...(typeof parsed.message === 'string' ? { message: parsed.message } : {}) } }
    } catch {}
    return { ok: false, error: `conmon sent ${JSON.stringify(text)}` }
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}

function readMonitor (pidFile: string): MonitorIdentity | undefined {
  let text: string
  try { text = fs.readFileSync(pidFile, 'utf8').trim() } catch { return undefined }
  if (!/^\d+$/.test(text)) return undefined
  const pid = Number(text)
  const start = readStartTime(pid)
  return start === undefined ? undefined : { pid, start }
}

// The runtime's last error from its JSON log (--log-format json), as Podman reads oci-log.
export function runtimeError (file: string): string | undefined {
  let text: string
  try { text = fs.readFileSync(file, 'utf8') } catch { return undefined }
  for (const line of text.split('\n').reverse()) {
    try {
      const e = JSON.parse(line) as { level?: string, msg?: string }
      if (e.level === 'error' && typeof e.msg === 'string') return e.msg
    } catch {}
  }
  return undefined
}
