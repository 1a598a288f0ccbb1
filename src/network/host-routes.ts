import { readFileSync } from 'node:fs'

import type { Cidr } from './cidr.js'

// IPv4 destinations routed on this host (from /proc/net/route), default route excluded:
// an automatically picked subnet must overlap none of them, as in Podman.
export function readHostRoutes (file = '/proc/net/route'): Cidr[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const out: Cidr[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 8) continue
    const dest = littleEndianHex(f[1]!); const mask = littleEndianHex(f[7]!)
    if (dest === undefined || mask === undefined || mask === 0n) continue
    const prefix = mask.toString(2).replace(/0+$/, '').length
    out.push({ family: 4, network: dest, prefix })
  }
  return out
}

function littleEndianHex (s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(s)) return undefined
  const bytes = s.match(/../g)!.reverse().join('')
  return BigInt(`0x${bytes}`)
}
