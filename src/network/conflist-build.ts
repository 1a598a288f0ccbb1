import { existsSync } from 'node:fs'
import path from 'node:path'

import { invalidArgument } from '../errors.js'
import type { Cidr } from './cidr.js'
import type { PluginConf } from './cni-config.js'
import { ARGS_KEY } from './network-info.js'
import { NAT_MARK } from './network-nat.js'
import type { PodctlArgs } from './network-info.js'
import type { SubnetSpec } from './subnet.js'

export const DRIVERS = ['bridge', 'macvlan', 'ipvlan'] as const
export type Driver = typeof DRIVERS[number]
export const CNI_VERSION = '1.0.0'
const IFNAME = /^[a-zA-Z0-9_.-]{1,15}$/

// What `network create` asks for, after flag parsing.
export interface CreateNetworkOptions {
  // Picked (podctl<N>) when absent, as Podman does.
  name?: string
  driver?: Driver
  subnets?: string[]
  gateways?: string[]
  ipRanges?: string[]
  internal?: boolean
  labels?: Record<string, string>
  // -o key=value: parent (macvlan/ipvlan master), mode, mtu.
  options?: Record<string, string>
  // The bridge (or master) interface name; picked when absent.
  interfaceName?: string
  // Name resolution between containers (the dnsname plugin; bridge networks only).
  dns?: boolean
  // Dual stack: an IPv4 and an IPv6 subnet, allocating the family no subnet gave.
  ipv6?: boolean
}

export function validateInterfaceName (name: string): string {
  if (!IFNAME.test(name) || name === '.' || name === '..') {
    throw invalidArgument(`invalid interface name ${JSON.stringify(name)}: must be 1-15 characters of [a-zA-Z0-9_.-]`)
  }
  return name
}

// The first podctl<N> (N >= 1) used by no config and no host interface.
export function pickBridgeName (taken: ReadonlySet<string>, sysClassNet = '/sys/class/net'): string {
  for (let n = 1; n < 100_000; n++) {
    const name = `podctl${n}`
    if (!taken.has(name) && !existsSync(path.join(sysClassNet, name))) return name
  }
  throw invalidArgument('no free bridge name podctl<N> left')
}

// Podman's domain for container names on networks with DNS.
export const DNS_DOMAIN = 'dns.podman'

export interface BuildInput {
  name: string
  opts: CreateNetworkOptions
  driver: Driver
  specs: SubnetSpec[]
  cidrs: Cidr[]
  iface: string
  ipamDataDir: string
  created: string
}

// The conflist podctl writes for a new network (CNI 1.0.0, host-local IPAM).
export function buildConflist (b: BuildInput): Record<string, unknown> {
  const internal = b.opts.internal === true
  const ipam: Record<string, unknown> = {
    type: 'host-local',
    ranges: b.specs.map(s => [s]),
    dataDir: b.ipamDataDir,
  }
  if (!internal) ipam['routes'] = [...new Set(b.cidrs.map(c => c.family === 4 ? '0.0.0.0/0' : '::/0'))].map(dst => ({ dst }))
  const options = b.opts.options ?? {}
  const mtu = options['mtu'] === undefined ? undefined : Number(options['mtu'])
  let main: PluginConf
  if (b.driver === 'bridge') {
    // Masquerade is podctl's, per network (network-nat.ts), not the plugin's per container.
    main = { type: 'bridge', bridge: b.iface, isGateway: true, ipMasq: false, hairpinMode: true, ipam }
  } else {
    main = { type: b.driver, master: b.iface, ipam }
    if (options['mode'] !== undefined) main['mode'] = options['mode']
  }
  if (mtu !== undefined) main['mtu'] = mtu
  const plugins: PluginConf[] = [main]
  if (b.driver === 'bridge') plugins.push({ type: 'portmap', capabilities: { portMappings: true } })
  if (b.driver === 'bridge' && b.opts.dns === true) plugins.push({ type: 'dnsname', domainName: DNS_DOMAIN, capabilities: { aliases: true } })
  const args: PodctlArgs = { labels: b.opts.labels ?? {}, created: b.created, internal }
  if (b.driver === 'bridge' && !internal) args.nat = NAT_MARK
  return { cniVersion: CNI_VERSION, name: b.name, args: { [ARGS_KEY]: args }, plugins }
}

// Checks -o values per driver before anything is written.
export function validateDriverOptions (driver: Driver, options: Record<string, string>): void {
  const allowed = driver === 'bridge' ? ['mtu'] : ['parent', 'mode', 'mtu']
  for (const [k, v] of Object.entries(options)) {
    if (!allowed.includes(k)) throw invalidArgument(`unsupported ${driver} network option ${k}`)
    if (k === 'mtu' && !/^[1-9][0-9]{2,4}$/.test(v)) throw invalidArgument(`invalid mtu ${JSON.stringify(v)}`)
  }
  const modes = driver === 'macvlan' ? ['bridge', 'private', 'vepa', 'passthru'] : ['l2', 'l3', 'l3s']
  if (options['mode'] !== undefined && !modes.includes(options['mode'])) {
    throw invalidArgument(`unknown ${driver} mode ${JSON.stringify(options['mode'])}: must be one of ${modes.join(', ')}`)
  }
}
