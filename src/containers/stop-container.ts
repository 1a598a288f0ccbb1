import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { runtimeKill, runtimeState } from '../runtime/oci-runtime.js'
import { catchesSignal, isProcessAlive, readProcStatus, readStartTime, signalCanAct } from '../runtime/proc-status.js'
import { parseSignal } from '../runtime/signals.js'
import type { Signal } from '../runtime/signals.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { awaitExitCode } from './exit-file.js'
import { recordExit } from './record-exit.js'

export interface StopOutcome { alreadyStopped: boolean, killed: boolean, fastKill: boolean }

export const KILL_WAIT_MS = 15_000
const POLL_MS = 10
// After the first second of a wait (a long -t, or -t -1 = forever), poll less often.
const SLOW_POLL_MS = 100

// The exit status of pid while it is a zombie its parent has not reaped yet (field 52 of
// /proc/<pid>/stat), as a shell shows it: N, or 128 + the signal. undefined otherwise.
export function zombieExitCode (pid: number, startTime: string | undefined): number | undefined {
  let text: string
  try { text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8') } catch { return undefined }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
  if (f[0] !== 'Z' || (startTime !== undefined && f[19] !== startTime)) return undefined
  const status = Number(f[49])
  if (!Number.isInteger(status)) return undefined
  return (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

// Resolves once pid has exited, with its exit code when it was seen before its parent
// reaped it (the container's init is not our child, so this is best effort); undefined when
// waitMs (Infinity: no limit) passes first.
export async function waitForExit (pid: number, startTime: string | undefined, waitMs: number, signal?: AbortSignal): Promise<{ code: number | undefined } | undefined> {
  const started = Date.now()
  for (;;) {
    const code = zombieExitCode(pid, startTime)
    if (code !== undefined) return { code }
    if (!isProcessAlive(pid, startTime)) return { code: undefined }
    const now = Date.now()
    if (now - started >= waitMs) return undefined
    await sleep(now - started < 1000 ? POLL_MS : SLOW_POLL_MS, undefined, signal === undefined ? {} : { signal })
  }
}

function stopSignalOf (c: ContainerRecord): Signal {
  try { return parseSignal(c.stopSignal) } catch { return { name: 'SIGTERM', number: 15 } }
}

interface Init { pid: number, startTime: string | undefined, running: boolean }

// Finds the container's live init. When the row names it exactly (PID + start time) no
// runtime exec is needed; otherwise ask the runtime. undefined: nothing is running.
async function locateInit (host: Host, c: ContainerRecord): Promise<Init | undefined> {
  const recorded = readConfig(c).pidStart
  if (c.pid !== null && c.pid > 0 && recorded !== undefined) {
    return isProcessAlive(c.pid, recorded) ? { pid: c.pid, startTime: recorded, running: true } : undefined
  }
  const st = await runtimeState(host, c.id)
  if (st === undefined || st.status === 'stopped' || st.pid <= 0 || !isProcessAlive(st.pid)) return undefined
  return { pid: st.pid, startTime: readStartTime(st.pid), running: st.status === 'running' }
}

// Signals the init directly when it is known for sure (saves a runtime exec), else via the runtime.
async function signalInit (host: Host, c: ContainerRecord, init: Init, sig: Signal): Promise<void> {
  if (init.running && init.startTime !== undefined && readStartTime(init.pid) === init.startTime) {
    try { process.kill(init.pid, sig.number) } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err }
    return
  }
  await runtimeKill(host, c.id, sig.name, !init.running)
}

const SIGKILL: Signal = { name: 'SIGKILL', number: 9 }

// Stops the container: stop signal, up to timeoutSec (default: its stop timeout; Infinity:
// no limit, no SIGKILL, as Podman's -t -1), then SIGKILL. Straight to SIGKILL when the stop
// signal cannot act (init of its own PID namespace without a handler, or ignored), whatever
// the timeout: waiting could only end by the container exiting on its own. Idempotent;
// records the exit in the row if the row exists.
export async function stopContainer (host: Host, c: ContainerRecord, opts: { timeoutSec?: number } = {}): Promise<StopOutcome> {
  const init = await locateInit(host, c)
  if (init === undefined) {
    recordExit(host, c.id, await awaitExitCode(host, c) ?? null)
    return { alreadyStopped: true, killed: false, fastKill: false }
  }
  const { pid } = init
  const sig = stopSignalOf(c)
  const timeoutSec = opts.timeoutSec ?? c.stopTimeout
  const status = readProcStatus(pid)
  let killed = false
  let fastKill = false
  let exitCode = 137
  if (!init.running || timeoutSec === 0 || status === undefined) {
    killed = true
  } else if (!signalCanAct(status, sig.number)) {
    host.log.debug(`container ${c.name}: ${sig.name} cannot act on its init (PID 1 without a handler, or ignored): sending SIGKILL at once${timeoutSec === Infinity ? ' (-t -1 would wait forever)' : ''}`)
    killed = true
    fastKill = true
  } else {
    const caught = catchesSignal(status, sig.number)
    await signalInit(host, c, init, sig)
    const exited = await waitForExit(pid, init.startTime, timeoutSec * 1000, host.signal)
    if (exited !== undefined) {
      // The status as its parent saw it: the zombie's, else the exit file of its conmon.
      // Without either (an attached run's runtime reaped it), a handled stop signal is
      // taken as a clean exit, an unhandled one as death by that signal.
      exitCode = exited.code ?? await awaitExitCode(host, c) ?? (caught ? 0 : 128 + sig.number)
    } else {
      host.log.warn(`StopSignal ${sig.name} failed to stop container ${c.name} in ${timeoutSec} seconds, resorting to SIGKILL`)
      killed = true
    }
  }
  if (killed) {
    await signalInit(host, c, init, SIGKILL)
    const exited = await waitForExit(pid, init.startTime, KILL_WAIT_MS, host.signal)
    if (exited === undefined) {
      throw new PodctlError('RUNTIME_FAILED', `container ${c.id} did not exit within ${KILL_WAIT_MS / 1000} seconds of SIGKILL`)
    }
    exitCode = exited.code ?? await awaitExitCode(host, c) ?? 137
  }
  recordExit(host, c.id, exitCode)
  return { alreadyStopped: false, killed, fastKill }
}
