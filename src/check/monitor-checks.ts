import fs from 'node:fs'

import type { Host } from '../host.js'
import { findConmon } from '../runtime/conmon-args.js'
import { endMonitor } from '../runtime/monitor.js'
import { readStartTime } from '../runtime/proc-status.js'
import { paths } from '../storage/paths.js'
import type { RowSnapshot } from './host-scan.js'
import type { Problem } from './types.js'

export interface MonitorProcess { pid: number, start: string, containerId: string }

// The conmon processes of this runroot: /proc/<pid>/exe is the conmon binary and its
// command line names this runroot's exit dir (so another podctl's, or Podman's, never
// match), with the container ID it was given (-c).
export function listMonitorProcesses (host: Host): MonitorProcess[] {
  const conmon = findConmon()
  if (conmon === undefined) return []
  let binary: string
  try { binary = fs.realpathSync(conmon) } catch { return [] }
  const exitDir = paths.exitDir(host.config)
  const out: MonitorProcess[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    let argv: string[]
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) !== binary) continue
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    const arg = (flag: string): string | undefined => { const i = argv.indexOf(flag); return i < 0 ? undefined : argv[i + 1] }
    const id = arg('-c')
    const start = readStartTime(pid)
    if (arg('--exit-dir') !== exitDir || id === undefined || start === undefined) continue
    out.push({ pid, start, containerId: id })
  }
  return out
}

// A conmon whose container has no row (the rows were lost under a running container):
// nothing would ever end it. Repair: wait for it to exit (it does once its container is
// gone, which the orphan-runtime-container repair sees to), else SIGKILL by PID.
export function findOrphanMonitors (rows: RowSnapshot, monitors: readonly MonitorProcess[]): Problem[] {
  return monitors.filter(m => !rows.containers.has(m.containerId)).map(m => ({
    kind: 'orphan-conmon' as const, object: m.containerId,
    detail: `conmon (pid ${m.pid}) monitors container ${m.containerId}, which has no container row`,
    repair: async () => { await endMonitor({ pid: m.pid, start: m.start }) },
  }))
}
