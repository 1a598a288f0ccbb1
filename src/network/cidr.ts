import { invalidArgument } from '../errors.js'

// An IP address as a number plus its family; a CIDR is a network address and a prefix.
export interface IpAddr { family: 4 | 6, value: bigint }
export interface Cidr { family: 4 | 6, network: bigint, prefix: number }

const V4_PART = /^(0|[1-9][0-9]{0,2})$/
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/

export function bitsOf (family: 4 | 6): number {
  return family === 4 ? 32 : 128
}

// Strict dotted quad: four decimal parts 0-255, no leading zeros, nothing else.
export function parseIpv4 (s: string): bigint | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  let v = 0n
  for (const p of parts) {
    if (!V4_PART.test(p) || Number(p) > 255) return undefined
    v = (v << 8n) | BigInt(p)
  }
  return v
}

// RFC 4291 text forms, including "::" compression and a trailing dotted quad; no zone ids.
export function parseIpv6 (s: string): bigint | undefined {
  if (s.length === 0 || s.length > 45) return undefined
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const groupsOf = (h: string): bigint[] | undefined => {
    if (h === '') return []
    const out: bigint[] = []
    const parts = h.split(':')
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p)
        if (v4 === undefined) return undefined
        out.push(v4 >> 16n, v4 & 0xffffn)
      } else if (V6_GROUP.test(p)) {
        out.push(BigInt(`0x${p}`))
      } else {
        return undefined
      }
    }
    return out
  }
  const head = groupsOf(halves[0]!)
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : []
  if (head === undefined || tail === undefined) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  return [...head, ...Array<bigint>(missing).fill(0n), ...tail].reduce((acc, g) => (acc << 16n) | g, 0n)
}

export function parseIp (s: string): IpAddr | undefined {
  const v4 = parseIpv4(s)
  if (v4 !== undefined) return { family: 4, value: v4 }
  const v6 = s.includes(':') ? parseIpv6(s) : undefined
  return v6 === undefined ? undefined : { family: 6, value: v6 }
}

// Parses "addr/prefix"; with strict, host bits must be zero (Podman refuses 10.1.2.3/24).
export function parseCidr (s: string, opts: { strict?: boolean } = {}): Cidr | undefined {
  const slash = s.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp(s.slice(0, slash))
  const p = s.slice(slash + 1)
  if (ip === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined
  const prefix = Number(p)
  if (prefix > bitsOf(ip.family)) return undefined
  const network = ip.value & maskOf(ip.family, prefix)
  if (opts.strict === true && network !== ip.value) return undefined
  return { family: ip.family, network, prefix }
}

// Same as parseCidr(strict) but throws Podman-like messages for the named flag.
export function requireCidr (s: string, what = 'subnet'): Cidr {
  const loose = parseCidr(s)
  if (loose === undefined) throw invalidArgument(`invalid ${what} ${JSON.stringify(s)}: invalid CIDR address: ${s}`)
  if (parseCidr(s, { strict: true }) === undefined) {
    throw invalidArgument(`invalid ${what} ${JSON.stringify(s)}: host bits are set, did you mean ${formatCidr(loose)}?`)
  }
  return loose
}

export function maskOf (family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family))
  const all = (1n << bits) - 1n
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n)
}

export function lastAddress (c: Cidr): bigint {
  return c.network | (((1n << BigInt(bitsOf(c.family))) - 1n) ^ maskOf(c.family, c.prefix))
}

export function cidrContains (c: Cidr, ip: IpAddr): boolean {
  return c.family === ip.family && (ip.value & maskOf(c.family, c.prefix)) === c.network
}

export function cidrWithin (inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContains(outer, { family: inner.family, value: inner.network })
}

export function cidrsOverlap (a: Cidr, b: Cidr): boolean {
  return cidrWithin(a, b) || cidrWithin(b, a)
}

export function formatIp (ip: IpAddr): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map(s => String((ip.value >> s) & 0xffn)).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => ((ip.value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16))
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1; let bestLen = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue }
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > bestLen) { best = i; bestLen = j - i }
    i = j
  }
  if (best < 0) return groups.join(':')
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`
}

export function formatCidr (c: Cidr): string {
  return `${formatIp({ family: c.family, value: c.network })}/${c.prefix}`
}
