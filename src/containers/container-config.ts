import type { PortMapping } from '../network/port-mapping.js'
import { isPortMapping } from '../network/port-mapping.js'
import type { BindMount } from '../runtime/oci-spec.js'
import type { ContainerRecord } from '../state/types.js'
import type { NetworkOptions, ProcessOptions } from './process-options.js'
import { processOptionsFrom } from './process-options.js'

// What create records in the row's config column, beyond the dedicated columns.
export interface ContainerConfig {
  imageName: string
  // An imported image's rootfs dir; '' for an OCI image, which has layers instead.
  lowerDir: string
  // An OCI image's layers (diff ID hex), top first: the overlay lowerdirs.
  layers?: string[]
  // The image config's ExposedPorts keys ("80/tcp"), shown by inspect.
  exposedPorts?: string[]
  binds: BindMount[]
  env: string[]
  cwd: string
  hostname: string
  process: ProcessOptions
  networkOptions: Record<string, NetworkOptions>
  // Process start time (clock ticks, /proc/<pid>/stat field 22) of the init we started,
  // so a recycled PID is never mistaken for our container.
  pidStart?: string
  // The container's conmon (PID + start time): its parent, log writer and exit-code
  // reporter while it runs detached. None for an attached run (podctl is the parent).
  monitor?: { pid: number, start: string }
  // -p/--publish mappings (the portmap plugin sets them up at start).
  ports?: PortMapping[]
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
    ...(isStrings(raw['layers']) ? { layers: raw['layers'] } : {}),
    ...(isStrings(raw['exposedPorts']) ? { exposedPorts: raw['exposedPorts'] } : {}),
    binds,
    env,
    cwd: str(raw['cwd'], '/'),
    hostname: str(raw['hostname'], c.id.slice(0, 12)),
    process: processOptionsFrom(raw['process']),
    networkOptions: networkOptionsFrom(raw['networkOptions']),
    ...(typeof raw['pidStart'] === 'string' ? { pidStart: raw['pidStart'] } : {}),
    // logPump: the per-container Node process rows of older podctl versions name instead;
    // it is ended the same way.
    ...(Array.isArray(raw['ports']) ? { ports: (raw['ports'] as unknown[]).filter(isPortMapping) } : {}),
    ...(isMonitor(raw['monitor']) ? { monitor: raw['monitor'] } : isMonitor(raw['logPump']) ? { monitor: raw['logPump'] } : {}),
  }
}

function networkOptionsFrom (raw: unknown): Record<string, NetworkOptions> {
  if (typeof raw !== 'object' || raw === null) return {}
  const out: Record<string, NetworkOptions> = {}
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) continue
    const o = v as { ip?: unknown, aliases?: unknown }
    out[k] = { ...(typeof o.ip === 'string' ? { ip: o.ip } : {}), aliases: Array.isArray(o.aliases) ? o.aliases.filter((a): a is string => typeof a === 'string') : [] }
  }
  return out
}

function isStrings (v: unknown): v is string[] {
  return Array.isArray(v) && v.every(x => typeof x === 'string')
}

function isMonitor (v: unknown): v is { pid: number, start: string } {
  return typeof v === 'object' && v !== null && typeof (v as { pid: unknown }).pid === 'number' && typeof (v as { start: unknown }).start === 'string'
}

export function toConfigColumn (cfg: ContainerConfig): Record<string, unknown> {
  return { ...cfg }
}
