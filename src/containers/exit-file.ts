import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import type { Host } from '../host.js'
import { MONITOR_EXIT_WAIT_MS } from '../runtime/monitor.js'
import { isProcessAlive } from '../runtime/proc-status.js'
import { paths } from '../storage/paths.js'
import { getContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'

const POLL_MS = 5

// The exit code conmon wrote for the container's current run (<runroot>/exits/<id>:
// N, or 128 + the signal that killed the init); undefined when there is none (yet).
// Launch deletes the file before each start, so one that exists is this run's.
export function readExitFile (host: Host, id: string): number | undefined {
  let text: string
  try { text = fs.readFileSync(paths.exitFile(host.config, id), 'utf8').trim() } catch { return undefined }
  if (!/^\d+$/.test(text)) return undefined
  return Number(text)
}

// The exit code of a container whose init is gone. conmon writes it a moment after the
// init exits (after draining the output), so while its conmon still runs this waits for
// the file, up to waitMs. undefined: no monitor (an attached run) or it wrote none.
export async function awaitExitCode (host: Host, c: ContainerRecord, waitMs = MONITOR_EXIT_WAIT_MS): Promise<number | undefined> {
  const monitor = readConfig(getContainer(host.store, c.id) ?? c).monitor
  const deadline = Date.now() + waitMs
  for (;;) {
    const code = readExitFile(host, c.id)
    if (code !== undefined || monitor === undefined) return code
    if (!isProcessAlive(monitor.pid, monitor.start) || Date.now() >= deadline) return readExitFile(host, c.id)
    await sleep(POLL_MS)
  }
}

export function removeExitFile (host: Host, id: string): void {
  fs.rmSync(paths.exitFile(host.config, id), { force: true })
}
