import { readFileSync } from 'node:fs'

import { runProcess } from '../process/run-process.js'
import type { Cidr } from './cidr.js'
import { parseCidr } from './cidr.js'

// A subnet the host uses: a route's destination or an interface address's prefix, and
// the device it is on.
export interface HostSubnet { cidr: Cidr, dev: string }

// IPv4 destinations routed on this host (from /proc/net/route), default route excluded:
// an automatically picked subnet must overlap none of them, as in Podman.
export function readHostRoutes (file = '/proc/net/route'): Cidr[] {
  return readHostRouteEntries(file).map(r => r.cidr)
}

export function readHostRouteEntries (file = '/proc/net/route'): HostSubnet[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const out: HostSubnet[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 8) continue
    const dest = littleEndianHex(f[1]!); const mask = littleEndianHex(f[7]!)
    if (dest === undefined || mask === undefined || mask === 0n) continue
    const prefix = mask.toString(2).replace(/0+$/, '').length
    out.push({ cidr: { family: 4, network: dest, prefix }, dev: f[0]! })
  }
  return out
}

interface IpAddrJson { ifname?: string, addr_info?: { local?: string, prefixlen?: number, scope?: string }[] }

// Routes plus the prefixes of every interface address (an address on a link that is down,
// or added with noprefixroute, has no route but still claims its subnet); loopback and
// link-local addresses left out. `ip -j addr` failing leaves the routes alone.
export async function readHostSubnets (signal?: AbortSignal): Promise<HostSubnet[]> {
  const out = readHostRouteEntries()
  try {
    const { stdout } = await runProcess('ip', ['-j', 'addr', 'show'], { timeoutMs: 30_000, ...(signal === undefined ? {} : { signal }) })
    for (const link of JSON.parse(stdout) as IpAddrJson[]) {
      for (const a of link.addr_info ?? []) {
        if (a.scope === 'host' || a.scope === 'link' || a.local === undefined || a.prefixlen === undefined) continue
        const cidr = parseCidr(`${a.local}/${a.prefixlen}`)
        if (cidr !== undefined) out.push({ cidr, dev: link.ifname ?? '' })
      }
    }
  } catch { /* routes only */ }
  return out
}

function littleEndianHex (s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(s)) return undefined
  const bytes = s.match(/../g)!.reverse().join('')
  return BigInt(`0x${bytes}`)
}
