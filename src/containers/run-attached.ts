import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { isErrorCode, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { K8sFileWriter } from '../logs/k8s-file.js'
import type { LogStream } from '../logs/k8s-file.js'
import type { ProcessExit } from '../process/run-process.js'
import { runtimeError } from '../runtime/conmon.js'
import { paths } from '../storage/paths.js'
import { getContainer, noSuchContainer, updateContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { runtimeFor } from './host-runtime.js'
import { ociStartError } from './oci-errors.js'
import { proxySignals } from './signal-proxy.js'
import { prepareStart, recordStarted, writeBundle } from './start-container.js'
import { withStartLock } from './start-lock.js'

export interface AttachIo {
  stdout: (b: Buffer) => void
  stderr: (b: Buffer) => void
  // -i: the container reads podctl's stdin; otherwise /dev/null.
  interactive: boolean
  // --sig-proxy: signals podctl receives go to the container.
  sigProxy: boolean
}

const SIGNUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 }

// Runs the container in the foreground: `<runtime> run` is podctl's child and the parent
// of the container's init, so its exit status is the container's (128+N when killed by
// signal N) and the container's stdout/stderr are pipes podctl streams live, each to its
// own stream, while also writing them to the container's k8s-file log. Resolves with the
// exit status; a runtime failure to start the process throws (see ociStartError).
export async function runAttached (host: Host, c: ContainerRecord, io: AttachIo): Promise<number> {
  // The start lock is held until the init is recorded (or the runtime gave up), as for a
  // detached start: no other process starts this container meanwhile.
  const s = await withStartLock(host, c.id, async () => {
    const current = getContainer(host.store, c.id)
    if (current === undefined) throw noSuchContainer(c.id)
    const session = await spawnRuntimeRun(host, await prepareStart(host, current) ?? current, io)
    if (await watchStart(host, session.container, session.pidFile, () => session.done)) session.markStarted()
    return session
  })
  try {
    const r = await s.exited
    if (r.spawnError !== undefined) {
      throw new PodctlError('RUNTIME_FAILED', r.spawnError.code === 'ENOENT' ? `${host.config.runtime}: executable file not found in $PATH` : r.spawnError.message)
    }
    if (!s.started() && !fs.existsSync(s.pidFile)) {
      await runtimeFor(host).delete(c.id).catch(() => {})
      const text = runtimeError(s.runcLog) ?? Buffer.concat(s.held.map(h => h[1])).toString('utf8').trim()
      throw ociStartError(host, new Error(`run ${c.id}: ${text.replace(/^\S+ run failed: /, '')}`))
    }
    s.markStarted()
    const status = r.exitCode ?? 128 + (SIGNUMS[r.signal ?? ''] ?? 0)
    recordAttachedExit(host, c, status)
    return status
  } finally {
    s.restore()
    s.log.close()
  }
}

interface RunSession {
  container: ContainerRecord
  pidFile: string
  runcLog: string
  log: K8sFileWriter
  held: [LogStream, Buffer][]
  exited: Promise<ProcessExit>
  done: boolean
  started: () => boolean
  // The init exists: output held so far is the container's, deliver it and what follows.
  markStarted: () => void
  restore: () => void
}

// Writes the bundle and spawns `<runtime> run` with its stdout/stderr piped to io and the log.
async function spawnRuntimeRun (host: Host, fresh: ContainerRecord, io: AttachIo): Promise<RunSession> {
  const { bundle, pidFile } = await writeBundle(host, fresh)
  const runcLog = path.join(bundle, 'runtime.log')
  fs.rmSync(runcLog, { force: true })
  const terminal = readConfig(fresh).process.tty
  const { child, closed } = runtimeFor(host).run({ id: fresh.id, bundle, pidFile, runtimeLog: runcLog, interactive: io.interactive, terminal })
  const log = new K8sFileWriter(paths.containerLog(host.config, fresh.id))
  let started = false
  const held: [LogStream, Buffer][] = []
  const deliver = (stream: LogStream, b: Buffer): void => {
    log.write(stream, b)
    if (stream === 'stdout') io.stdout(b); else io.stderr(b)
  }
  // Until the pid file exists (the runtime writes it once the process runs) output is
  // held: if the process never starts, it is the runtime's own error text, which becomes
  // podctl's error instead of container output.
  const markStarted = (): void => {
    started = true
    for (const [st, b] of held.splice(0)) deliver(st, b)
  }
  const onData = (stream: LogStream) => (b: Buffer): void => {
    if (!started && fs.existsSync(pidFile)) markStarted()
    if (started) deliver(stream, b); else held.push([stream, b])
  }
  child.stdout?.on('data', onData('stdout'))
  child.stderr?.on('data', onData('stderr'))
  const session: RunSession = {
    container: fresh, pidFile, runcLog, log, held, done: false,
    exited: closed,
    started: () => started,
    markStarted,
    restore: io.sigProxy ? proxySignals(child.pid) : () => {},
  }
  void session.exited.then(() => { session.done = true })
  return session
}

// Polls for the pid file while the runtime runs, then records the init in the row.
// false: the runtime exited without starting the process.
async function watchStart (host: Host, c: ContainerRecord, pidFile: string, isDone: () => boolean): Promise<boolean> {
  for (;;) {
    // Checked before reading: the runtime writes the pid file before it exits, so a run
    // over this quickly is still seen as started.
    const done = isDone()
    let text = ''
    try { text = fs.readFileSync(pidFile, 'utf8').trim() } catch {}
    if (/^\d+$/.test(text)) {
      // A removal that claimed the container meanwhile stops this process itself; the run
      // then ends with the status the runtime reports (137 for its SIGKILL).
      try { recordStarted(host, c, Number(text)) } catch (err) { if (!isErrorCode(err, 'CONTAINER_STATE_IMPROPER')) throw err }
      return true
    }
    if (done) return false
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
