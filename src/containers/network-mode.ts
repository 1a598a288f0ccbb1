import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { NamespaceKind, NamespaceSetting } from '../runtime/oci-spec.js'
import { getContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'

// A namespace mode as the user gave it; 'container' still holds the user's reference.
export type NamespaceMode = { kind: 'private' } | { kind: 'host' } | { kind: 'container', ref: string }

function parseContainerMode (flag: string, raw: string): NamespaceMode {
  const ref = raw.slice('container:'.length)
  if (ref === '') throw invalidArgument(`invalid --${flag} ${JSON.stringify(raw)}: container name or ID missing`)
  return { kind: 'container', ref }
}

// --network none|host|private|container:X; a network name is not supported yet.
export function parseNetworkMode (raw: string | undefined): NamespaceMode {
  if (raw === undefined || raw === '' || raw === 'none' || raw === 'private') return { kind: 'private' }
  if (raw === 'host') return { kind: 'host' }
  if (raw.startsWith('container:')) return parseContainerMode('network', raw)
  throw invalidArgument(`network mode "${raw}" is not supported yet`)
}

// --ipc/--pid/--uts host|private|container:X (ipc also shareable, none).
export function parseNamespaceMode (flag: 'ipc' | 'pid' | 'uts', raw: string | undefined): NamespaceMode {
  if (raw === undefined || raw === '' || raw === 'private') return { kind: 'private' }
  if (flag === 'ipc' && (raw === 'shareable' || raw === 'none')) return { kind: 'private' }
  if (raw === 'host') return { kind: 'host' }
  if (raw.startsWith('container:')) return parseContainerMode(flag, raw)
  throw invalidArgument(`invalid --${flag} ${JSON.stringify(raw)}: must be host, private or container:<name|id>`)
}

// The form stored in the row's namespaces column: 'private' | 'host' | 'container:<full id>'.
export function storedMode (mode: NamespaceMode, targetId?: string): string {
  if (mode.kind === 'container') return `container:${targetId ?? mode.ref}`
  return mode.kind
}

// The full ID a stored mode joins, if any.
export function joinedContainer (stored: string | undefined): string | undefined {
  return stored?.startsWith('container:') === true ? stored.slice('container:'.length) : undefined
}

const NS_FILE: Record<NamespaceKind, string> = { network: 'net', ipc: 'ipc', pid: 'pid', uts: 'uts' }

function runningTarget (host: Host, c: ContainerRecord, targetId: string, kind: NamespaceKind): ContainerRecord {
  const t = getContainer(host.store, targetId)
  if (t === undefined || t.state !== 'running' || t.pid === null) {
    throw new PodctlError('CONTAINER_STATE_IMPROPER', `cannot join the ${kind} namespace of container ${targetId} for ${c.name}: it is not running: container state improper`)
  }
  return t
}

// The network namespace path of a container: the one place that decides it. A netns made by
// the network module (row column netns_path) wins; a joined container's comes from its own.
export function networkNamespacePath (host: Host, c: ContainerRecord): string | null {
  if (c.netnsPath !== null) return c.netnsPath
  const target = joinedContainer(c.namespaces.network)
  if (target === undefined) return null
  const t = runningTarget(host, c, target, 'network')
  return networkNamespacePath(host, t) ?? `/proc/${t.pid}/ns/net`
}

// Hook for the network module (CNI attach). Returns the netns path the container joins,
// or null for none/host/private. Called by start before the spec is written.
export async function prepareNetworks (host: Host, c: ContainerRecord): Promise<string | null> {
  return networkNamespacePath(host, c)
}

// The spec setting for one namespace kind, given the netns prepareNetworks chose.
export function namespaceSetting (host: Host, c: ContainerRecord, kind: NamespaceKind, netns: string | null): NamespaceSetting {
  const stored = c.namespaces[kind]
  if (kind === 'network' && netns !== null) return { mode: 'join', path: netns }
  if (stored === 'host') return { mode: 'host' }
  const target = joinedContainer(stored)
  if (target === undefined) return { mode: 'private' }
  const t = runningTarget(host, c, target, kind)
  return { mode: 'join', path: `/proc/${t.pid}/ns/${NS_FILE[kind]}` }
}
