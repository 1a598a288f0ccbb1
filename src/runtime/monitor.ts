import { setTimeout as sleep } from 'node:timers/promises'

import { isProcessAlive } from './proc-status.js'

// How long a container's conmon may take, once the container is gone, to drain the
// output, sync the log and write the exit file before it is killed.
export const MONITOR_EXIT_WAIT_MS = 2_000
const POLL_MS = 5

// Ends a container's monitor (conmon) by PID, only while PID and start time still name it
// (a recycled PID is left alone). It normally exits by itself right after the container:
// it gets waitMs for that, then SIGKILL (its SIGTERM handler only forwards the signal to
// the container). One already gone is success; calling it again is harmless.
export async function endMonitor (m: { pid: number, start: string } | undefined, waitMs = MONITOR_EXIT_WAIT_MS): Promise<void> {
  if (m === undefined) return
  const deadline = Date.now() + waitMs
  while (isProcessAlive(m.pid, m.start)) {
    if (Date.now() >= deadline) {
      try {
        process.kill(m.pid, 'SIGKILL')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
      }
      return
    }
    await sleep(POLL_MS)
  }
}
