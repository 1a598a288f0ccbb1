import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { K8sFileWriter } from '../logs/k8s-file.js'
import type { LogStream } from '../logs/k8s-file.js'
import { runtimeDelete } from '../runtime/oci-runtime.js'
import { paths } from '../storage/paths.js'
import { getContainer, updateContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { ociStartError } from './oci-errors.js'
import { prepareStart, recordStarted, writeBundle } from './start-container.js'

export interface AttachIo {
  stdout: (b: Buffer) => void
  stderr: (b: Buffer) => void
  // -i: the container reads podctl's stdin; otherwise /dev/null.
  interactive: boolean
  // --sig-proxy: signals podctl receives go to the container.
  sigProxy: boolean
}

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const
const SIGNUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 }

// Runs the container in the foreground: `<runtime> run` is podctl's child and the parent
// of the container's init, so its exit status is the container's (128+N when killed by
// signal N) and the container's stdout/stderr are pipes podctl streams live, each to its
// own stream, while also writing them to the container's k8s-file log. Resolves with the
// exit status; a runtime failure to start the process throws (see ociStartError).
export async function runAttached (host: Host, c: ContainerRecord, io: AttachIo): Promise<number> {
  const fresh = await prepareStart(host, c) ?? c
  const { bundle, pidFile } = await writeBundle(host, fresh)
  const runcLog = path.join(bundle, 'runtime.log')
  fs.rmSync(runcLog, { force: true })
  fs.mkdirSync(paths.runtimeRoot(host.config), { recursive: true, mode: 0o700 })
  const args = ['--root', paths.runtimeRoot(host.config), '--log', runcLog, '--log-format', 'json', 'run', '--bundle', bundle, '--pid-file', pidFile, c.id]
  host.log.debug(`${host.config.runtime} ${args.join(' ')}`)
  // Its own session: a terminal's Ctrl-C reaches podctl only, which forwards it (sig-proxy).
  const child = spawn(host.config.runtime, args, { stdio: [io.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'], detached: true })
  const log = new K8sFileWriter(paths.containerLog(host.config, c.id))
  let started = false
  const held: [LogStream, Buffer][] = []
  const deliver = (stream: LogStream, b: Buffer): void => {
    log.write(stream, b)
    if (stream === 'stdout') io.stdout(b); else io.stderr(b)
  }
  // Until the pid file exists the process has not started: whatever arrives is the
  // runtime's own error text, which becomes podctl's error instead of container output.
  const onData = (stream: LogStream) => (b: Buffer): void => {
    if (!started && fs.existsSync(pidFile)) started = true
    if (started) deliver(stream, b); else held.push([stream, b])
  }
  child.stdout.on('data', onData('stdout'))
  child.stderr.on('data', onData('stderr'))
  const restore = io.sigProxy ? proxySignals(child.pid) : () => {}
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null, error?: Error }>(resolve => {
    child.on('error', error => { resolve({ code: null, signal: null, error }) })
    child.on('close', (code, signal) => { resolve({ code, signal }) })
  })
  let done = false
  void exited.then(() => { done = true })
  try {
    await watchStart(host, fresh, pidFile, () => done)
    const r = await exited
    if (r.error !== undefined) {
      throw new PodctlError('RUNTIME_FAILED', (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${host.config.runtime}: executable file not found in $PATH` : r.error.message)
    }
    if (!started && !fs.existsSync(pidFile)) {
      await runtimeDelete(host, c.id).catch(() => {})
      throw ociStartError(host, new Error(`run ${c.id}: ${(runtimeError(runcLog) ?? Buffer.concat(held.map(h => h[1])).toString('utf8').trim()).replace(/^\S+ run failed: /, '')}`))
    }
    for (const [s, b] of held) deliver(s, b)
    const status = r.code ?? 128 + (SIGNUMS[r.signal ?? ''] ?? 0)
    recordAttachedExit(host, c, status)
    return status
  } finally {
    restore()
    log.close()
  }
}

// Polls for the pid file while the runtime runs, then records the init in the row.
async function watchStart (host: Host, c: ContainerRecord, pidFile: string, isDone: () => boolean): Promise<void> {
  while (!isDone()) {
    let text = ''
    try { text = fs.readFileSync(pidFile, 'utf8').trim() } catch {}
    if (/^\d+$/.test(text)) { recordStarted(host, c, Number(text)); return }
    await sleep(5)
  }
}

// The exit status of our own child is the truth: it replaces what a concurrent observer
// (which could not know it) recorded. A row being removed or gone is left alone.
function recordAttachedExit (host: Host, c: ContainerRecord, status: number): void {
  host.store.write(() => {
    const row = getContainer(host.store, c.id)
    if (row === undefined || (row.state !== 'running' && row.state !== 'exited')) return
    updateContainer(host.store, c.id, { state: 'exited', pid: null, exitCode: status, finishedAt: row.finishedAt ?? Date.now() })
  })
}

function runtimeError (file: string): string | undefined {
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

// Replaces podctl's own handlers for the proxied signals with forwarding to the runtime
// (which forwards them to the container's init); returns the undo.
function proxySignals (pid: number | undefined): () => void {
  const saved = PROXIED.map(sig => [sig, process.listeners(sig)] as const)
  const forward = (sig: NodeJS.Signals): void => {
    if (pid === undefined) return
    try { process.kill(pid, sig) } catch {}
  }
  for (const sig of PROXIED) {
    process.removeAllListeners(sig)
    process.on(sig, forward)
  }
  return () => {
    for (const [sig, listeners] of saved) {
      process.removeListener(sig, forward)
      for (const l of listeners) process.on(sig, l as (s: NodeJS.Signals) => void)
    }
  }
}
