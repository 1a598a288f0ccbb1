import type { BindMount } from '../runtime/oci-spec.js'
import type { ContainerRecord } from '../state/types.js'

// What create records in the row's config column, beyond the dedicated columns.
export interface ContainerConfig {
  imageName: string
  lowerDir: string
  binds: BindMount[]
  env: string[]
  cwd: string
  hostname: string
  // Process start time (clock ticks, /proc/<pid>/stat field 22) of the init we started,
  // so a recycled PID is never mistaken for our container.
  pidStart?: string
  // The container's conmon (PID + start time): its parent, log writer and exit-code
  // reporter while it runs detached. None for an attached run (podctl is the parent).
  monitor?: { pid: number, start: string }
}

const str = (v: unknown, d: string): string => typeof v === 'string' ? v : d

export function readConfig (c: ContainerRecord): ContainerConfig {
  const raw = c.config
  const binds = Array.isArray(raw['binds'])
    ? (raw['binds'] as unknown[]).filter((b): b is BindMount => typeof b === 'object' && b !== null &&
      typeof (b as BindMount).source === 'string' && typeof (b as BindMount).destination === 'string')
    : []
  const env = Array.isArray(raw['env']) ? (raw['env'] as unknown[]).filter((e): e is string => typeof e === 'string') : []
  return {
    imageName: str(raw['imageName'], ''),
    lowerDir: str(raw['lowerDir'], ''),
    binds,
    env,
    cwd: str(raw['cwd'], '/'),
    hostname: str(raw['hostname'], c.id.slice(0, 12)),
    ...(typeof raw['pidStart'] === 'string' ? { pidStart: raw['pidStart'] } : {}),
    // logPump: the per-container Node process rows of older podctl versions name instead;
    // it is ended the same way.
    ...(isMonitor(raw['monitor']) ? { monitor: raw['monitor'] } : isMonitor(raw['logPump']) ? { monitor: raw['logPump'] } : {}),
  }
}

function isMonitor (v: unknown): v is { pid: number, start: string } {
  return typeof v === 'object' && v !== null && typeof (v as { pid: unknown }).pid === 'number' && typeof (v as { start: unknown }).start === 'string'
}

export function toConfigColumn (cfg: ContainerConfig): Record<string, unknown> {
  return { ...cfg }
}
