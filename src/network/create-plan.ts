import { existsSync } from 'node:fs'
import path from 'node:path'

import { invalidArgument, PodctlError } from '../errors.js'
import { validateName } from '../ids.js'
import type { Cidr } from './cidr.js'
import { cidrsOverlap, formatCidr, requireCidr } from './cidr.js'
import type { ConfigWalk } from './config-walk.js'
import type { CreateNetworkOptions, Driver } from './conflist-build.js'
import { buildConflist, DRIVERS, pickBridgeName, validateDriverOptions, validateInterfaceName } from './conflist-build.js'
import { driverOf, interfaceOf, subnetsOf } from './network-info.js'
import type { SubnetSpec } from './subnet.js'
import { allocateSubnet, buildSubnetSpec } from './subnet.js'

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
// under the exclusive lock): unique name, subnets overlapping nothing, a free bridge name.
export function planNetwork (opts: CreateNetworkOptions, walk: ConfigWalk, hostRoutes: readonly Cidr[], ipamDataDir: string, now = new Date()): Record<string, unknown> {
  const { driver, cidrs } = validateCreateOptions(opts)
  const name = opts.name ?? pickNetworkName(walk)
  if (walk.byName.has(name)) throw new PodctlError('NAME_IN_USE', `network name ${name} already used: network already exists`)
  const used = walk.networks.flatMap(subnetsOf)
  for (const c of cidrs) {
    if ([...used, ...hostRoutes].some(u => cidrsOverlap(u, c))) {
      throw invalidArgument(`subnet ${formatCidr(c)} is already used on the host or by another config`)
    }
  }
  const chosen = cidrs.length > 0 ? cidrs : [allocateSubnet([...used, ...hostRoutes])]
  const specs: SubnetSpec[] = chosen.map((c, i) => buildSubnetSpec(c, opts.gateways?.[i], opts.ipRanges?.[i]))
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
  return buildConflist({ name, opts, driver, specs, cidrs: chosen, iface, ipamDataDir, created: now.toISOString() })
}

function pickNetworkName (walk: ConfigWalk): string {
  for (let n = 1; ; n++) if (!walk.byName.has(`podctl${n}`)) return `podctl${n}`
}
