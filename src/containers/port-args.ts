import { invalidArgument } from '../errors.js'
import { parseIp } from '../network/cidr.js'
import type { PortMapping } from '../network/port-mapping.js'
import { portsClash } from '../network/port-mapping.js'

const PORT = /^[1-9][0-9]{0,4}$/

function port (s: string, raw: string, what: string): number {
  const n = PORT.test(s) ? Number(s) : NaN
  if (!(n >= 1 && n <= 65535)) throw invalidArgument(`invalid -p/--publish ${JSON.stringify(raw)}: ${what} port ${JSON.stringify(s)} must be a number from 1 to 65535`)
  return n
}

// -p/--publish [ip:]hostPort:containerPort[/tcp|udp]; an IPv6 address goes in brackets.
export function parsePublish (raw: string): PortMapping {
  let rest = raw
  let protocol: 'tcp' | 'udp' = 'tcp'
  const slash = rest.lastIndexOf('/')
  if (slash >= 0) {
    const proto = rest.slice(slash + 1)
    if (proto !== 'tcp' && proto !== 'udp') throw invalidArgument(`invalid -p/--publish ${JSON.stringify(raw)}: protocol ${JSON.stringify(proto)} must be tcp or udp`)
    protocol = proto
    rest = rest.slice(0, slash)
  }
  let hostIp = ''
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest)
  if (v6 !== null) {
    hostIp = v6[1]!
    rest = v6[2]!
  }
  const parts = rest.split(':')
  if (v6 === null && parts.length === 3) hostIp = parts.shift()!
  if (parts.length !== 2) throw invalidArgument(`invalid -p/--publish ${JSON.stringify(raw)}: must be [ip:]hostPort:containerPort[/tcp|udp]`)
  if (hostIp !== '' && parseIp(hostIp) === undefined) throw invalidArgument(`invalid -p/--publish ${JSON.stringify(raw)}: ${JSON.stringify(hostIp)} is not an IP address`)
  return { hostIp, hostPort: port(parts[0]!, raw, 'host'), containerPort: port(parts[1]!, raw, 'container'), protocol }
}

// Every -p of one container, refusing two that want the same host port.
export function parsePublishList (raws: readonly string[]): PortMapping[] {
  const out: PortMapping[] = []
  for (const raw of raws) {
    const p = parsePublish(raw)
    if (out.some(o => portsClash(o, p))) throw invalidArgument(`invalid -p/--publish ${JSON.stringify(raw)}: host port ${p.hostPort}/${p.protocol} is published twice`)
    out.push(p)
  }
  return out
}
