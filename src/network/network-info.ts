import { createHash } from 'node:crypto'

import type { Cidr } from './cidr.js'
import { parseCidr } from './cidr.js'
import type { NetworkConfig } from './cni-config.js'
import type { SubnetSpec } from './subnet.js'
import { leaseRange } from './subnet.js'

// What podctl stores under the conflist's top-level "args".
export const ARGS_KEY = 'podctl'
// nat: "podctl" when podctl owns the network's masquerade (see network-nat.ts).
export interface PodctlArgs { labels?: Record<string, string>, created?: string, internal?: boolean, nat?: string }

// Podman's network inspect shape (field names as Podman prints them).
export interface NetworkInspect {
  name: string
  id: string
  driver: string
  network_interface: string
  created: string
  subnets: { subnet: string, gateway: string, lease_range?: { start_ip: string, end_ip: string } }[]
  ipv6_enabled: boolean
  internal: boolean
  dns_enabled: boolean
  labels: Record<string, string>
  ipam_options: Record<string, string>
}

function obj (v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {}
}

function str (v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export function networkId (name: string): string {
  return createHash('sha256').update(name).digest('hex')
}

export function podctlArgs (net: NetworkConfig): PodctlArgs {
  return obj(net.args[ARGS_KEY]) as PodctlArgs
}

export function ipamOf (net: NetworkConfig): Record<string, unknown> {
  return obj(net.plugins[0]?.['ipam'])
}

// Every range of the main plugin's IPAM: host-local "ranges" and the older "subnet" form.
export function subnetSpecsOf (net: NetworkConfig): SubnetSpec[] {
  const ipam = ipamOf(net)
  const out: SubnetSpec[] = []
  const push = (r: Record<string, unknown>): void => {
    const subnet = str(r['subnet'])
    if (subnet === undefined) return
    const spec: SubnetSpec = { subnet, gateway: str(r['gateway']) ?? '' }
    const start = str(r['rangeStart']); const end = str(r['rangeEnd'])
    if (start !== undefined) spec.rangeStart = start
    if (end !== undefined) spec.rangeEnd = end
    out.push(spec)
  }
  if (Array.isArray(ipam['ranges'])) {
    for (const set of ipam['ranges']) if (Array.isArray(set)) for (const r of set) push(obj(r))
  }
  push(ipam)
  return out
}

// Subnets a network occupies, for overlap checks; unparseable entries are ignored.
export function subnetsOf (net: NetworkConfig): Cidr[] {
  return subnetSpecsOf(net).flatMap(s => parseCidr(s.subnet) ?? [])
}

export function driverOf (net: NetworkConfig): string {
  return net.plugins[0]?.type ?? ''
}

export function interfaceOf (net: NetworkConfig): string {
  const main: Record<string, unknown> = net.plugins[0] ?? {}
  return str(main['bridge']) ?? str(main['master']) ?? ''
}

export function labelsOf (net: NetworkConfig): Record<string, string> {
  const own = podctlArgs(net).labels ?? obj(net.args['podman_labels'])
  return Object.fromEntries(Object.entries(own).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

export function isInternal (net: NetworkConfig): boolean {
  const flag = podctlArgs(net).internal
  if (typeof flag === 'boolean') return flag
  const main: Record<string, unknown> = net.plugins[0] ?? {}
  return driverOf(net) === 'bridge' && main['isGateway'] !== true && main['ipMasq'] !== true
}

export function inspectNetwork (net: NetworkConfig): NetworkInspect {
  const specs = subnetSpecsOf(net)
  const created = podctlArgs(net).created ?? new Date(net.mtimeMs).toISOString()
  return {
    name: net.name,
    id: networkId(net.name),
    driver: driverOf(net),
    network_interface: interfaceOf(net),
    created,
    subnets: specs.map(s => {
      const entry: NetworkInspect['subnets'][number] = { subnet: s.subnet, gateway: s.gateway }
      if (s.rangeStart !== undefined || s.rangeEnd !== undefined) {
        try { entry.lease_range = leaseRange(s) } catch { /* foreign config with odd values: omit */ }
      }
      return entry
    }),
    ipv6_enabled: subnetsOf(net).some(c => c.family === 6),
    internal: isInternal(net),
    dns_enabled: net.plugins.some(p => p.type === 'dnsname'),
    labels: labelsOf(net),
    ipam_options: { driver: str(ipamOf(net)['type']) ?? '' },
  }
}
