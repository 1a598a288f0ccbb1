import { isProcessAlive } from '../runtime/proc-status.js'

// Ends a container's log pump by PID, only when PID and start time still name it
// (a recycled PID is left alone). A pump that already exited is success.
export function endLogPump (pump: { pid: number, start: string } | undefined): void {
  if (pump === undefined || !isProcessAlive(pump.pid, pump.start)) return
  try {
    process.kill(pump.pid, 'SIGTERM')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}
