import { existsSync } from 'node:fs'
import path from 'node:path'

import { invalidArgument, PodctlError } from '../errors.js'
import { validateName } from '../ids.js'
import type { Cidr } from './cidr.js'
import { cidrsOverlap, formatCidr, requireCidr } from './cidr.js'
import type { ConfigWalk } from './config-walk.js'
import type { HostSubnet } from './host-routes.js'
import type { CreateNetworkOptions, Driver } from './conflist-build.js'
import { buildConflist, DRIVERS, pickBridgeName, validateDriverOptions, validateInterfaceName } from './conflist-build.js'
import { driverOf, interfaceOf, subnetsOf } from './network-info.js'
import type { SubnetSpec } from './subnet.js'
import { allocateIpv6Subnet, allocateSubnet, buildSubnetSpec } from './subnet.js'

// Checks everything about a create request that does not depend on the config dir.
export function validateCreateOptions (opts: CreateNetworkOptions, sysClassNet = '/sys/class/net'): { driver: Driver, cidrs: Cidr[] } {
  if (opts.name !== undefined) validateName(opts.name)
  const driver = opts.driver ?? 'bridge'
  if (!(DRIVERS as readonly string[]).includes(driver)) throw invalidArgument(`unsupported driver ${driver}: must be one of ${DRIVERS.join(', ')}`)
  const options = opts.options ?? {}
  validateDriverOptions(driver, options)
  if (opts.interfaceName !== undefined) validateInterfaceName(opts.interfaceName)
  if (driver === 'bridge' && opts.interfaceName !== undefined) {
    const dev = path.join(sysClassNet, opts.interfaceName)
    if (existsSync(dev) && !existsSync(path.join(dev, 'bridge'))) throw invalidArgument(`interface ${opts.interfaceName} exists and is not a bridge`)
  }
  if (driver !== 'bridge') {
    const parent = options['parent'] ?? opts.interfaceName
    if (parent === undefined) throw invalidArgument(`${driver} networks need a parent interface: -o parent=<interface>`)
    validateInterfaceName(parent)
    if (!existsSync(path.join(sysClassNet, parent))) throw invalidArgument(`parent interface ${parent} does not exist`)
  }
  const subnets = opts.subnets ?? []
  const cidrs = subnets.map(s => requireCidr(s))
  if ((opts.gateways ?? []).length > subnets.length) throw invalidArgument('cannot set more gateways than subnets')
  if ((opts.ipRanges ?? []).length > subnets.length) throw invalidArgument('cannot set more ip-ranges than subnets')
  for (const [i, a] of cidrs.entries()) {
    for (const b of cidrs.slice(i + 1)) {
      if (cidrsOverlap(a, b)) throw invalidArgument(`subnet ${formatCidr(b)} overlaps subnet ${formatCidr(a)}`)
    }
  }
  cidrs.forEach((c, i) => buildSubnetSpec(c, opts.gateways?.[i], opts.ipRanges?.[i]))
  for (const k of Object.keys(opts.labels ?? {})) if (k === '') throw invalidArgument('label keys must not be empty')
  return { driver, cidrs }
}

// Builds the conflist for a validated request against one walk of the config dir (taken
// under the exclusive lock): unique name, a free bridge name, subnets overlapping no other
// config and nothing the host routes or holds an address in (but the network's own bridge
// or parent, which may exist already and carry its subnet).
export function planNetwork (opts: CreateNetworkOptions, walk: ConfigWalk, hostSubnets: readonly HostSubnet[], ipamDataDir: string, now = new Date()): Record<string, unknown> {
  const { driver, cidrs } = validateCreateOptions(opts)
  const name = opts.name ?? pickNetworkName(walk)
  if (walk.byName.has(name)) throw new PodctlError('NAME_IN_USE', `network name ${name} already used: network already exists`)
  let iface: string
  if (driver === 'bridge') {
    const taken = new Set(walk.networks.filter(n => driverOf(n) === 'bridge').map(interfaceOf))
    if (opts.interfaceName !== undefined && taken.has(opts.interfaceName)) {
      throw invalidArgument(`bridge name ${opts.interfaceName} already in use`)
    }
    iface = opts.interfaceName ?? pickBridgeName(taken)
  } else {
    iface = opts.options?.['parent'] ?? opts.interfaceName ?? ''
  }
  const users = subnetUsers(walk, hostSubnets, iface)
  for (const c of cidrs) {
    const clash = users.find(u => cidrsOverlap(u.cidr, c))
    if (clash !== undefined) throw invalidArgument(`subnet ${formatCidr(c)} is already used on the host or by another config: it overlaps ${formatCidr(clash.cidr)} ${clash.what}`)
  }
  const chosen = [...cidrs]
  const used = (): Cidr[] => [...users.map(u => u.cidr), ...chosen]
  if (chosen.length === 0) chosen.push(allocateSubnet(used()))
  // --ipv6 is dual stack, as in Podman: add whichever family no --subnet gave.
  if (opts.ipv6 === true && !chosen.some(c => c.family === 4)) chosen.push(allocateSubnet(used()))
  if (opts.ipv6 === true && !chosen.some(c => c.family === 6)) chosen.push(allocateIpv6Subnet(used()))
  const specs: SubnetSpec[] = chosen.map((c, i) => buildSubnetSpec(c, opts.gateways?.[i], opts.ipRanges?.[i]))
  return buildConflist({ name, opts, driver, specs, cidrs: chosen, iface, ipamDataDir, created: now.toISOString() })
}

// Everything a new network's subnet must not overlap, saying whose it is.
export function subnetUsers (walk: ConfigWalk, hostSubnets: readonly HostSubnet[], ownIface: string): { cidr: Cidr, what: string }[] {
  return [
    ...walk.networks.flatMap(n => subnetsOf(n).map(cidr => ({ cidr, what: `of network ${n.name} (${n.file})` }))),
    ...hostSubnets.filter(h => ownIface === '' || h.dev !== ownIface).map(h => ({ cidr: h.cidr, what: `on host interface ${h.dev}` })),
  ]
}

// The default network's subnet: 10.88.0.0/16 as Podman's, else the first free /16 of
// 10.90-10.99 (a host running Podman holds 10.88.0.0/16 on podman0). The default bridge
// is one per host, shared by every podctl root: when it is up already (another root's
// default network, or an earlier one's), its subnet is taken, if it is one of these and
// free, so that all of them agree with it. (With two subnets on one bridge the bridge
// plugin refuses the second: "podctl0 already has an IP address different from …".)
export function pickDefaultSubnet (walk: ConfigWalk, hostSubnets: readonly HostSubnet[], bridge: string): string {
  const used = subnetUsers(walk, hostSubnets, bridge).map(u => u.cidr)
  const candidates = [88, ...Array.from({ length: 10 }, (_, i) => 90 + i)]
    .map((second): Cidr => ({ family: 4, network: (10n << 24n) | (BigInt(second) << 16n), prefix: 16 }))
    .filter(c => !used.some(u => cidrsOverlap(u, c)))
  const onBridge = hostSubnets.filter(h => h.dev === bridge && h.cidr.family === 4)
  const current = candidates.find(c => onBridge.some(h => cidrsOverlap(h.cidr, c)))
  const c = current ?? candidates[0]
  if (c !== undefined) return formatCidr(c)
  throw new PodctlError('NETWORK_FAILED', 'could not find a free subnet for the default network in 10.88.0.0/16 or 10.90-10.99.0.0/16')
}

function pickNetworkName (walk: ConfigWalk): string {
  for (let n = 1; ; n++) if (!walk.byName.has(`podctl${n}`)) return `podctl${n}`
}
