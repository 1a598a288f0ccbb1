import { readConfig } from './container-config.js'
import type { Host } from '../host.js'
import { isProcessAlive } from '../runtime/proc-status.js'
import { getContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { paths } from '../storage/paths.js'
import { readLogs } from '../logs/follow-logs.js'
import type { LogEntry } from '../logs/k8s-file.js'

export interface ContainerLogOptions {
  tail: number
  follow: boolean
  sinceMs?: number
}

// Still producing output: its init is alive (PID + start time, no runtime exec per poll),
// or its conmon still drains the pipes into the log.
function isProducing (host: Host, id: string): boolean {
  const row = getContainer(host.store, id)
  if (row === undefined) return false
  const cfg = readConfig(row)
  if (row.state === 'running' && row.pid !== null && isProcessAlive(row.pid, cfg.pidStart)) return true
  return cfg.monitor !== undefined && isProcessAlive(cfg.monitor.pid, cfg.monitor.start)
}

// `logs [-f]` of one container: hands its log entries to sink as they are read; with
// follow, until the container has exited and its log is drained, or the signal aborts.
export async function readContainerLogs (host: Host, c: ContainerRecord, opts: ContainerLogOptions, sink: (entries: LogEntry[]) => void): Promise<void> {
  await readLogs(paths.containerLog(host.config, c.id), {
    tail: opts.tail, follow: opts.follow, signal: host.signal, isRunning: () => isProducing(host, c.id),
    ...(opts.sinceMs === undefined ? {} : { sinceMs: opts.sinceMs }),
  }, sink)
}
