import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import type { OciRuntime } from './oci-runtime.js'
import { catchesSignal, isProcessAlive, readProcStatus, readStartTime, signalCanAct } from './proc-status.js'
import { parseSignal } from './signals.js'
import type { Signal } from './signals.js'

export const KILL_WAIT_MS = 15_000
const POLL_MS = 10
// After the first second of a wait (a long -t, or -t -1 = forever), poll less often.
const SLOW_POLL_MS = 100

// What stopping needs to know about one container.
export interface StopTarget {
  id: string
  name: string
  // The init as recorded at start (PID + start time), when it was.
  pid: number | null
  pidStart: string | undefined
  stopSignal: string
  // Infinity: no limit, no SIGKILL (Podman's -t -1).
  timeoutSec: number
  // The exit code its monitor recorded once the init is gone (undefined: none).
  exitCode: () => Promise<number | undefined>
}

export interface StopResult {
  alreadyStopped: boolean
  killed: boolean
  fastKill: boolean
  // undefined: not known (nothing was running and no monitor recorded one).
  exitCode: number | undefined
}

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
    // It may have turned zombie between the two reads: look once more for its code.
    if (!isProcessAlive(pid, startTime)) return { code: zombieExitCode(pid, startTime) }
    const now = Date.now()
    if (now - started >= waitMs) return undefined
    await sleep(now - started < 1000 ? POLL_MS : SLOW_POLL_MS, undefined, signal === undefined ? {} : { signal })
  }
}

function stopSignalOf (t: StopTarget): Signal {
  try { return parseSignal(t.stopSignal) } catch { return { name: 'SIGTERM', number: 15 } }
}

interface Init { pid: number, startTime: string | undefined, running: boolean }

// Finds the container's live init. When the target names it exactly (PID + start time) no
// runtime exec is needed; otherwise ask the runtime. undefined: nothing is running.
async function locateInit (runtime: OciRuntime, t: StopTarget): Promise<Init | undefined> {
  if (t.pid !== null && t.pid > 0 && t.pidStart !== undefined) {
    return isProcessAlive(t.pid, t.pidStart) ? { pid: t.pid, startTime: t.pidStart, running: true } : undefined
  }
  const st = await runtime.state(t.id)
  if (st === undefined || st.status === 'stopped' || st.pid <= 0 || !isProcessAlive(st.pid)) return undefined
  return { pid: st.pid, startTime: readStartTime(st.pid), running: st.status === 'running' }
}

// Signals the init directly when it is known for sure (saves a runtime exec), else via the runtime.
async function signalInit (runtime: OciRuntime, t: StopTarget, init: Init, sig: Signal): Promise<void> {
  if (init.running && init.startTime !== undefined && readStartTime(init.pid) === init.startTime) {
    try { process.kill(init.pid, sig.number) } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err }
    return
  }
  await runtime.kill(t.id, sig.name, { all: !init.running })
}

const SIGKILL: Signal = { name: 'SIGKILL', number: 9 }

// Stops the container: stop signal, up to the timeout, then SIGKILL. Straight to SIGKILL
// when the stop signal cannot act (init of its own PID namespace without a handler, or
// ignored), whatever the timeout: waiting could only end by the container exiting on its
// own. Idempotent: nothing running is alreadyStopped. Records nothing; the caller does.
export async function stopInit (runtime: OciRuntime, t: StopTarget, opts: { log: Logger, signal?: AbortSignal }): Promise<StopResult> {
  const init = await locateInit(runtime, t)
  if (init === undefined) return { alreadyStopped: true, killed: false, fastKill: false, exitCode: await t.exitCode() }
  const { pid } = init
  const sig = stopSignalOf(t)
  const { timeoutSec } = t
  const status = readProcStatus(pid)
  let killed = false
  let fastKill = false
  let exitCode = 137
  if (!init.running || timeoutSec === 0 || status === undefined) {
    killed = true
  } else if (!signalCanAct(status, sig.number)) {
    opts.log.debug(`container ${t.name}: ${sig.name} cannot act on its init (PID 1 without a handler, or ignored): sending SIGKILL at once${timeoutSec === Infinity ? ' (-t -1 would wait forever)' : ''}`)
    killed = true
    fastKill = true
  } else {
    const caught = catchesSignal(status, sig.number)
    await signalInit(runtime, t, init, sig)
    const exited = await waitForExit(pid, init.startTime, timeoutSec * 1000, opts.signal)
    if (exited !== undefined) {
      // The status as its parent saw it: the zombie's, else the exit file of its conmon.
      // Without either (an attached run's runtime reaped it), a handled stop signal is
      // taken as a clean exit, an unhandled one as death by that signal.
      exitCode = exited.code ?? await t.exitCode() ?? (caught ? 0 : 128 + sig.number)
    } else {
      opts.log.warn(`StopSignal ${sig.name} failed to stop container ${t.name} in ${timeoutSec} seconds, resorting to SIGKILL`)
      killed = true
    }
  }
  if (killed) {
    await signalInit(runtime, t, init, SIGKILL)
    const exited = await waitForExit(pid, init.startTime, KILL_WAIT_MS, opts.signal)
    if (exited === undefined) {
      throw new PodctlError('RUNTIME_FAILED', `container ${t.id} did not exit within ${KILL_WAIT_MS / 1000} seconds of SIGKILL`)
    }
    exitCode = exited.code ?? await t.exitCode() ?? 137
  }
  return { alreadyStopped: false, killed, fastKill, exitCode }
}
