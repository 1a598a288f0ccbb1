import type { Host } from '../host.js'
import { stopInit } from '../runtime/stop-init.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { awaitExitCode } from './exit-file.js'
import { runtimeFor } from './host-runtime.js'
import { recordExit } from './record-exit.js'

export interface StopOutcome { alreadyStopped: boolean, killed: boolean, fastKill: boolean }

export interface StopOptions {
  // Default: the container's stop timeout; Infinity: no limit, no SIGKILL (Podman's -t -1).
  timeoutSec?: number
  // Default: the host's.
  signal?: AbortSignal
}

// Stops the container (runtime/stop-init.ts: stop signal, timeout, SIGKILL) and records the
// exit in its row, if the row exists. Idempotent.
export async function stopContainer (host: Host, c: ContainerRecord, opts: StopOptions = {}): Promise<StopOutcome> {
  const signal = opts.signal ?? host.signal
  const r = await stopInit(runtimeFor(host, signal), {
    id: c.id, name: c.name, pid: c.pid, pidStart: readConfig(c).pidStart, stopSignal: c.stopSignal,
    timeoutSec: opts.timeoutSec ?? c.stopTimeout, exitCode: () => awaitExitCode(host, c),
  }, { log: host.log, signal })
  recordExit(host, c.id, r.exitCode ?? null)
  return { alreadyStopped: r.alreadyStopped, killed: r.killed, fastKill: r.fastKill }
}
