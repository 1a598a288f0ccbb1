
import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { isValidName } from '../ids.js'
import { CNIEnv, DEFAULT_NETWORK, netnsPathFor } from '../network/index.js'
import type { PortMapping } from '../network/port-mapping.js'
import type { NamespaceKind, NamespaceSetting } from '../runtime/oci-spec.js'
import { getContainer, updateContainer } from '../state/container-rows.js'
import { listContainerNetworkRows, saveAttachmentResult } from '../state/network-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import type { NetworkOptions } from './process-options.js'

// node:net is loaded on the first address check, not by every command that imports this
// file (ps, inspect, --help): compiling it costs about 6 ms.
const isIP = (s: string): number => process.getBuiltinModule('node:net').isIP(s)

// A namespace mode as the user gave it; 'container' still holds the user's reference,
// 'cni' the CNI networks (by name) the container's own netns is attached to, in order.
// A CNI mode may carry per-network options (NAME:ip=…,alias=…).
export type NamespaceMode = { kind: 'private' } | { kind: 'host' } | { kind: 'container', ref: string } | { kind: 'cni', networks: string[], options?: Record<string, NetworkOptions> }

export type { NetworkOptions } from './process-options.js'

function parseContainerMode (flag: string, raw: string): NamespaceMode {
  const ref = raw.slice('container:'.length)
  if (ref === '') throw invalidArgument(`invalid --${flag} ${JSON.stringify(raw)}: container name or ID missing`)
  return { kind: 'container', ref }
}

// --network none|host|private|container:X|bridge|NAME[,NAME…], or (repeatable)
// NAME:ip=A,alias=B,… with Podman's per-network options. As in Podman, no flag (and
// "bridge") means the default bridge network, attached through CNI.
export function parseNetworkMode (given: string | readonly string[] | undefined): NamespaceMode {
  const values = given === undefined ? [] : typeof given === 'string' ? [given] : [...given]
  if (values.length > 1 && values.some(v => ['none', 'private', 'host', ''].includes(v) || v.startsWith('container:'))) {
    throw invalidArgument(`--network ${values.join(' --network ')}: none, host and container:<name|id> cannot be combined with other networks`)
  }
  const raw = values[0]
  if (raw === undefined || raw === '' || (values.length === 1 && raw === 'bridge')) return { kind: 'cni', networks: [DEFAULT_NETWORK] }
  if (raw === 'none' || raw === 'private') return { kind: 'private' }
  if (raw === 'host') return { kind: 'host' }
  if (raw.startsWith('container:')) return parseContainerMode('network', raw)
  const networks: string[] = []
  const options: Record<string, NetworkOptions> = {}
  for (const v of values) {
    const colon = v.indexOf(':')
    const names = colon < 0 ? v.split(',') : [v.slice(0, colon)]
    for (const n of names) {
      const name = n === 'bridge' ? DEFAULT_NETWORK : n
      if (!isValidName(name)) throw invalidArgument(`invalid --network ${JSON.stringify(v)}: ${JSON.stringify(n)} is not a valid network name`)
      if (networks.includes(name)) throw invalidArgument(`invalid --network ${JSON.stringify(v)}: a network is named twice`)
      networks.push(name)
    }
    if (colon >= 0) options[names[0] === 'bridge' ? DEFAULT_NETWORK : names[0]!] = parseNetworkOptions(v, v.slice(colon + 1))
  }
  return Object.keys(options).length === 0 ? { kind: 'cni', networks } : { kind: 'cni', networks, options }
}

function parseNetworkOptions (raw: string, text: string): NetworkOptions {
  const o: NetworkOptions = { aliases: [] }
  for (const kv of text.split(',').filter(Boolean)) {
    const eq = kv.indexOf('=')
    const key = eq < 0 ? kv : kv.slice(0, eq)
    const value = eq < 0 ? '' : kv.slice(eq + 1)
    if (key === 'alias') {
      if (!isValidName(value)) throw invalidArgument(`invalid --network ${JSON.stringify(raw)}: alias ${JSON.stringify(value)}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`)
      o.aliases.push(value)
    } else if (key === 'ip') {
      if (isIP(value) !== 4) throw invalidArgument(`invalid --network ${JSON.stringify(raw)}: ${JSON.stringify(value)} is not an IPv4 address`)
      if (o.ip !== undefined) throw invalidArgument(`invalid --network ${JSON.stringify(raw)}: only one ip per network`)
      o.ip = value
    } else {
      throw invalidArgument(`invalid --network ${JSON.stringify(raw)}: unsupported network option ${JSON.stringify(key)} (podctl knows alias and ip)`)
    }
  }
  return o
}

// Podman's wording when a named network does not exist; checked before anything is created.
export async function checkNetworksExist (host: Host, mode: NamespaceMode): Promise<void> {
  if (mode.kind !== 'cni') return
  const known = new Set((await CNIEnv.fromHost(host).list()).map(n => n.name))
  for (const n of mode.networks) {
    if (!known.has(n)) throw invalidArgument(`unable to find network with name or ID ${n}: network not found`)
  }
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
  if (mode.kind === 'cni') return 'bridge'
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

// Returns the netns path the container joins, or null for none/host/private; for CNI
// networks it attaches them first. Called by start before the spec is written. The netns
// path is recorded before the attach, so a crash half-way leaves a row that removal (and
// system check) tears down. A restart detaches what a previous run left, then attaches anew.
export async function prepareNetworks (host: Host, c: ContainerRecord): Promise<string | null> {
  const attachments = listContainerNetworkRows(host.store, c.id)
  if (c.namespaces.network !== 'bridge' || attachments.length === 0) return networkNamespacePath(host, c)
  const cni = CNIEnv.fromHost(host)
  const netnsPath = netnsPathFor(host.config.runroot, c.id)
  // Never attached before (no netns recorded): nothing of an earlier run to detach.
  const attachedBefore = c.netnsPath !== null
  if (c.netnsPath !== netnsPath) host.store.write(() => updateContainer(host.store, c.id, { netnsPath }))
  c.netnsPath = netnsPath
  // Published ports go to the first network (eth0).
  const ports = readConfig(c).ports ?? []
  const withPorts = (i: number): { portMappings?: PortMapping[] } => i === 0 && ports.length > 0 ? { portMappings: ports } : {}
  if (attachedBefore) await cni.detach(c.id, attachments.map((a, i) => ({ name: a.network, ifname: a.ifname, ...withPorts(i) })))
  const aliases = readConfig(c).networkOptions
  const result = await cni.attach(c.id, attachments.map((a, i) => ({
    name: a.network, ifname: a.ifname, ...(a.staticIp === null ? {} : { staticIp: a.staticIp }), aliases: aliases[a.network]?.aliases ?? [], ...withPorts(i),
  })), c.name)
  host.store.write(() => { for (const n of result.networks) saveAttachmentResult(host.store, c.id, n.network, n.result) })
  return result.netnsPath
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
