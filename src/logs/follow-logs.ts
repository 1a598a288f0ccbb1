import { setTimeout as sleep } from 'node:timers/promises'

import type { LogEntry } from './k8s-file.js'
import { lastLines, LogReader } from './log-reader.js'

export interface ReadLogsOptions {
  tail: number
  sinceMs?: number
  follow: boolean
  // follow: polled between reads; false once the container no longer runs.
  isRunning: () => boolean | Promise<boolean>
  signal?: AbortSignal
  pollMs?: number
}

// Reads a container's log (tail/since applied to what exists), then with follow keeps
// delivering new entries until the container has stopped and its log is drained.
export async function readLogs (file: string, o: ReadLogsOptions, deliver: (entries: LogEntry[]) => void): Promise<void> {
  const reader = new LogReader(file)
  const keep = (es: LogEntry[]): LogEntry[] => o.sinceMs === undefined ? es : es.filter(e => e.timeMs >= o.sinceMs!)
  deliver(lastLines(keep(reader.poll()), o.tail))
  if (!o.follow) return
  for (;;) {
    if (o.signal?.aborted === true) return
    const running = await o.isRunning()
    // Read after the check: lines written before the container stopped are all delivered.
    const more = keep(reader.poll())
    if (more.length > 0) deliver(more)
    if (!running) return
    await sleep(o.pollMs ?? 100, undefined, o.signal === undefined ? {} : { signal: o.signal }).catch(() => {})
  }
}
