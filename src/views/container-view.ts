import { readConfig } from '../containers/container-config.js'
import type { PortMapping } from '../network/port-mapping.js'
import { formatPorts } from '../network/port-mapping.js'
import { humanDuration } from './human-duration.js'
import type { Host } from '../host.js'
import { listImages } from '../state/image-rows.js'
import { listContainerNetworks } from '../state/network-rows.js'
import { listPodNames } from '../state/pod-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import type { ContainerRecord, ImageRecord, PodRecord } from '../state/types.js'

// The `ps --format json` entry, with Podman's field names.
export interface ContainerListEntry {
  AutoRemove: boolean
  Command: string[]
  Created: number
  CreatedAt: string
  ExitCode: number
  Exited: boolean
  ExitedAt: number
  Id: string
  Image: string
  ImageID: string
  IsInfra: boolean
  Labels: Record<string, string> | null
  Names: string[]
  Networks: string[]
  Pid: number
  Pod: string
  PodName: string
  // Podman's ps JSON shape for published ports; null without any.
  Ports: PsPort[] | null
  StartedAt: number
  State: string
  Status: string
}

export interface PsPort { host_ip: string, container_port: number, host_port: number, range: number, protocol: string }

export interface ViewLookups {
  images: Map<string, ImageRecord>
  pods: Map<string, Pick<PodRecord, 'id' | 'name'>>
  networks: Map<string, string[]>
}

export function loadViewLookups (store: StateStore): ViewLookups {
  const images = new Map(listImages(store).map(i => [i.id as string, i]))
  const pods = new Map(listPodNames(store).map(p => [p.id as string, p]))
  return { images, pods, networks: listContainerNetworks(store) }
}

const secs = (ms: number | null): number => ms === null ? 0 : Math.floor(ms / 1000)

export function containerStatus (c: ContainerRecord, now = Date.now()): string {
  switch (c.state) {
    case 'created': return 'Created'
    case 'running': return `Up ${humanDuration(now - (c.startedAt ?? now))}`
    case 'stopped':
    case 'exited': return `Exited (${c.exitCode ?? 0}) ${humanDuration(now - (c.finishedAt ?? now))} ago`
    case 'removing': return 'Removing'
  }
}

export function toListEntry (c: ContainerRecord, lk: ViewLookups, now = Date.now()): ContainerListEntry {
  const image = c.imageId === null ? undefined : lk.images.get(c.imageId)
  const pod = c.podId === null ? undefined : lk.pods.get(c.podId)
  return {
    AutoRemove: c.autoRemove,
    Command: c.command,
    Created: secs(c.createdAt),
    CreatedAt: `${humanDuration(now - c.createdAt)} ago`,
    ExitCode: c.exitCode ?? 0,
    Exited: c.state === 'exited' || c.state === 'stopped',
    ExitedAt: c.finishedAt === null ? -62135596800 : secs(c.finishedAt),
    Id: c.id,
    Image: image?.name ?? '',
    ImageID: c.imageId ?? '',
    IsInfra: c.isInfra,
    Labels: Object.keys(c.labels).length === 0 ? null : c.labels,
    Names: [c.name],
    Networks: lk.networks.get(c.id) ?? [],
    Pid: c.state === 'running' ? (c.pid ?? 0) : 0,
    Pod: c.podId ?? '',
    PodName: pod?.name ?? '',
    Ports: psPorts(readConfig(c).ports ?? []),
    StartedAt: c.startedAt === null ? -62135596800 : secs(c.startedAt),
    State: c.state,
    Status: containerStatus(c, now),
  }
}

function psPorts (ports: readonly PortMapping[]): PsPort[] | null {
  return ports.length === 0 ? null : ports.map(p => ({ host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: 1, protocol: p.protocol }))
}

// ps's PORTS column text from a list entry.
export function portsText (e: ContainerListEntry): string {
  return formatPorts((e.Ports ?? []).map(p => ({ hostIp: p.host_ip, hostPort: p.host_port, containerPort: p.container_port, protocol: p.protocol === 'udp' ? 'udp' : 'tcp' })))
}

// `ps --format json` entries for the given containers, in one read of the state.
export function listContainerEntries (host: Host, containers: readonly ContainerRecord[], now = Date.now()): ContainerListEntry[] {
  return host.store.read(() => {
    const lookups = loadViewLookups(host.store)
    return containers.map(c => toListEntry(c, lookups, now))
  })
}
