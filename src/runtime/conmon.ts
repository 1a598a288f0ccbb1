import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import type { Readable } from 'node:stream'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { paths } from '../storage/paths.js'
import { conmonArgs, findConmon, findExecutable } from './conmon-args.js'
import { endMonitor } from './monitor.js'
import { RUNTIME_TIMEOUT_MS } from './oci-runtime.js'
import { readStartTime } from './proc-status.js'

// The monitor's identity, recorded in the container row so removal can end it by PID.
export interface MonitorIdentity { pid: number, start: string }

export interface Created { pid: number, monitor: MonitorIdentity }

interface SyncReport { data: number, message?: string }

// Creates the container under a conmon of its own (Podman's createOCIContainer, without
// a daemon): conmon double-forks, runs `<runtime> create` with pipes as the container's
// stdout/stderr, reports the container PID (or the create error) on the sync pipe, then
// stays as the container's parent and subreaper: it writes the k8s-file log and, when the
// init exits, its exit code to <runroot>/exits/<id>, and exits. Resolves once the runtime's
// create has succeeded; the container is not started yet (runtimeStart does that).
export async function createWithConmon (host: Host, c: { id: string, name: string }): Promise<Created> {
  const conmon = findConmon()
  if (conmon === undefined) throw new PodctlError('RUNTIME_FAILED', 'conmon: executable file not found in $PATH (install the conmon package)')
  const runtimePath = findExecutable(host.config.runtime)
  if (runtimePath === undefined) throw new PodctlError('RUNTIME_FAILED', `${host.config.runtime}: executable file not found in $PATH`)
  const cfg = host.config
  const logFile = paths.containerLog(cfg, c.id)
  // conmon splits -l DRIVER:PATH at every ':'.
  if (logFile.includes(':')) throw new PodctlError('RUNTIME_FAILED', `the container log path ${logFile} contains ':', which conmon cannot take`)
  const req = {
    id: c.id, name: c.name, runtimePath, runtimeRoot: paths.runtimeRoot(cfg), bundle: paths.bundle(cfg, c.id),
    pidFile: paths.pidFile(cfg, c.id), conmonPidFile: paths.conmonPidFile(cfg, c.id), runtimeLog: paths.runtimeLog(cfg, c.id),
    logFile, exitDir: paths.exitDir(cfg), logLevel: cfg.logLevel,
  }
  fs.mkdirSync(req.exitDir, { recursive: true, mode: 0o700 })
  fs.mkdirSync(req.runtimeRoot, { recursive: true, mode: 0o700 })
  for (const f of [req.conmonPidFile, req.runtimeLog, paths.exitFile(cfg, c.id)]) fs.rmSync(f, { force: true })
  const args = conmonArgs(req)
  host.log.debug(`${conmon} ${args.join(' ')}`)
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3' }
  for (const k of ['_OCI_STARTPIPE', '_OCI_ATTACHPIPE', 'NOTIFY_SOCKET']) delete env[k]
  // Its own process group (a terminal's Ctrl-C is not its business); cwd the bundle dir,
  // where conmon keeps what it writes besides the log (attach socket, ctl fifos).
  const child = spawn(conmon, args, { cwd: req.bundle, env, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
  try {
    const report = await readReport(child)
    const monitor = readMonitor(req.conmonPidFile)
    if (report.ok && report.sync.data > 0) {
      if (monitor === undefined) throw new PodctlError('RUNTIME_FAILED', `conmon for container ${c.id} wrote no pid file ${req.conmonPidFile}`)
      return { pid: report.sync.data, monitor }
    }
    // It exits by itself after a failed create; one that reported nothing useful is ended.
    await endMonitor(monitor, 0)
    const why = runtimeError(req.runtimeLog) ?? (report.ok ? report.sync.message : undefined) ?? (report.ok ? undefined : report.error)
    throw new PodctlError('RUNTIME_FAILED', `${host.config.runtime} create ${c.id}: ${(why ?? 'conmon exited without reporting the container').trim().replace(/^\S+ create failed: /, '')}`)
  } finally {
    child.unref()
    for (const s of [child.stdio[2], child.stdio[3]]) (s as Readable | null)?.destroy()
  }
}

type Report = { ok: true, sync: SyncReport } | { ok: false, error: string }

// Waits for conmon's first process to exit (it forks the monitor and exits 0, or fails
// before with a message on stderr), then for the first line on the sync pipe.
async function readReport (child: ChildProcess): Promise<Report> {
  const stderr = child.stdio[2] as Readable
  const sync = child.stdio[3] as Readable
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
  const timeout = new Promise<'timeout'>(resolve => { timer = setTimeout(() => { resolve('timeout') }, RUNTIME_TIMEOUT_MS) })
  try {
    const exited = await Promise.race([new Promise<number | string>(resolve => {
      child.on('error', err => { resolve((err as NodeJS.ErrnoException).code ?? err.message) })
      child.on('exit', (code, sig) => { resolve(code ?? `signal ${sig ?? '?'}`) })
    }), timeout])
    if (exited === 'timeout') { child.kill('SIGKILL'); return { ok: false, error: `conmon did not fork within ${RUNTIME_TIMEOUT_MS / 1000} seconds` } }
    if (exited !== 0) {
      await Promise.race([stderrEnd, timeout])
      return { ok: false, error: errText.trim() !== '' ? errText.trim() : `conmon exited with ${exited}` }
    }
    const text = await Promise.race([line, timeout])
    if (text === 'timeout') return { ok: false, error: `conmon reported nothing within ${RUNTIME_TIMEOUT_MS / 1000} seconds` }
    if (text === undefined) return { ok: false, error: errText.trim() || 'conmon exited without reporting the container' }
    try {
      const parsed = JSON.parse(text) as Partial<SyncReport>
      if (typeof parsed.data === 'number') return { ok: true, sync: { data: parsed.data, ...(typeof parsed.message === 'string' ? { message: parsed.message } : {}) } }
    } catch {}
    return { ok: false, error: `conmon sent ${JSON.stringify(text)}` }
  } finally {
    clearTimeout(timer)
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
