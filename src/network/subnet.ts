import { randomBytes } from 'node:crypto'

import { invalidArgument, PodctlError } from '../errors.js'
import type { Cidr, IpAddr } from './cidr.js'
import { cidrContains, cidrsOverlap, cidrWithin, formatCidr, formatIp, lastAddress, parseIp, requireCidr } from './cidr.js'

// One IPAM range as written into host-local's "ranges" and shown by inspect.
export interface SubnetSpec {
  subnet: string
  gateway: string
  rangeStart?: string
  rangeEnd?: string
}

export const AUTO_SUBNET_BASE = '10.89.0.0/24'
export const AUTO_SUBNET_COUNT = 256

// The first /24 of 10.89.N.0 (N = 0..255) that overlaps none of `used`; Podman's scheme.
export function allocateSubnet (used: readonly Cidr[]): Cidr {
  for (let n = 0; n < AUTO_SUBNET_COUNT; n++) {
    const candidate: Cidr = { family: 4, network: (10n << 24n) | (89n << 16n) | (BigInt(n) << 8n), prefix: 24 }
    if (!used.some(u => cidrsOverlap(u, candidate))) return candidate
  }
  throw new PodctlError('NETWORK_FAILED', 'could not find free subnet from subnet pools')
}

// A random unique-local /64 (fd00::/8 plus 56 random bits) that overlaps none of `used`:
// Podman's IPv6 subnet for `network create --ipv6` without an IPv6 --subnet.
export function allocateIpv6Subnet (used: readonly Cidr[], random: (n: number) => Buffer = randomBytes): Cidr {
  for (let attempt = 0; attempt < 10; attempt++) {
    const bytes = random(7)
    let network = 0xfdn
    for (const b of bytes) network = (network << 8n) | BigInt(b)
    const candidate: Cidr = { family: 6, network: network << 64n, prefix: 64 }
    if (!used.some(u => cidrsOverlap(u, candidate))) return candidate
  }
  throw new PodctlError('NETWORK_FAILED', 'could not find free IPv6 subnet')
}

export function firstHost (c: Cidr): IpAddr {
  const hostBits = (c.family === 4 ? 32 : 128) - c.prefix
  return { family: c.family, value: hostBits <= 1 ? c.network : c.network + 1n }
}

// The last address host-local may hand out: the IPv4 broadcast address is never used.
export function lastHost (c: Cidr): IpAddr {
  const last = lastAddress(c)
  const hostBits = (c.family === 4 ? 32 : 128) - c.prefix
  return { family: c.family, value: c.family === 4 && hostBits > 1 ? last - 1n : last }
}

// Validates --subnet/--gateway/--ip-range together and derives the IPAM range; throws
// Podman-like INVALID_ARGUMENT errors before anything is written.
export function buildSubnetSpec (subnet: Cidr, gateway?: string, ipRange?: string): SubnetSpec {
  const hostBits = (subnet.family === 4 ? 32 : 128) - subnet.prefix
  if (hostBits < 2) throw invalidArgument(`subnet ${formatCidr(subnet)} is too small: it must have room for a gateway and a container`)
  let gw = firstHost(subnet)
  if (gateway !== undefined) {
    const parsed = parseIp(gateway)
    if (parsed === undefined) throw invalidArgument(`invalid gateway ${JSON.stringify(gateway)}: not an IP address`)
    if (!cidrContains(subnet, parsed)) throw invalidArgument(`gateway ${gateway} not in subnet ${formatCidr(subnet)}`)
    if (parsed.value === subnet.network || (subnet.family === 4 && parsed.value === lastAddress(subnet))) {
      throw invalidArgument(`gateway ${gateway} is the network or broadcast address of subnet ${formatCidr(subnet)}`)
    }
    gw = parsed
  }
  const spec: SubnetSpec = { subnet: formatCidr(subnet), gateway: formatIp(gw) }
  if (ipRange !== undefined) {
    const range = requireCidr(ipRange, 'ip-range')
    if (!cidrWithin(range, subnet)) throw invalidArgument(`ip-range ${ipRange} is not inside subnet ${formatCidr(subnet)}`)
    const start = range.network === subnet.network ? range.network + 1n : range.network
    const end = lastAddress(range) === lastAddress(subnet) ? lastHost(subnet).value : lastAddress(range)
    if (start > end) throw invalidArgument(`ip-range ${ipRange} holds no usable address`)
    spec.rangeStart = formatIp({ family: subnet.family, value: start })
    spec.rangeEnd = formatIp({ family: subnet.family, value: end })
  }
  return spec
}

// The addresses host-local may hand out for a spec: [start, end] as shown by inspect.
export function leaseRange (spec: SubnetSpec): { start_ip: string, end_ip: string } {
  const subnet = requireCidr(spec.subnet)
  return {
    start_ip: spec.rangeStart ?? formatIp(firstHost(subnet)),
    end_ip: spec.rangeEnd ?? formatIp(lastHost(subnet)),
  }
}
