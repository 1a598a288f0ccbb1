import fs from 'node:fs'
import path from 'node:path'

import type { BindMount } from '../runtime/oci-spec.js'
import { writeFileAtomicSync } from '../storage/atomic-file.js'
import type { HostEntry } from './process-options.js'

// /etc/hosts, /etc/resolv.conf and /etc/hostname for one container, as Podman makes them:
// written into the container's bundle dir and bind-mounted over the image's.
export interface EtcInput {
  hostname: string
  name: string
  // The container's own addresses (first network first); none without a network.
  ips: string[]
  hostNetwork: boolean
  addHosts: HostEntry[]
  dns: string[]
  dnsSearch: string[]
  dnsOptions: string[]
  // Name servers of networks with DNS (dnsname): the gateways, and their search domain.
  networkDns: { server: string, domain: string }[]
  hostHosts?: string
  hostResolvConf?: string
}

const LOCALHOST = ['127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4', '::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6']

export function hostsFile (i: EtcInput): string {
  const lines = i.hostNetwork && i.hostHosts !== undefined ? i.hostHosts.trimEnd().split('\n') : [...LOCALHOST]
  for (const h of i.addHosts) lines.push(`${h.ip}\t${h.host}`)
  const names = [...new Set([i.hostname, i.name])].join(' ')
  if (!i.hostNetwork) lines.push(i.ips.length > 0 ? `${i.ips[0]!}\t${names}` : `127.0.1.1\t${names}`)
  return lines.join('\n') + '\n'
}

// Podman's rules: --dns replaces the name servers (none: no resolv.conf servers at all);
// a network with DNS puts its server first and its domain in the search list; otherwise the
// host's, without loopback servers (unreachable from a private netns) unless host network.
export function resolvConf (i: EtcInput): string {
  const host = parseResolvConf(i.hostResolvConf ?? '')
  let servers: string[]
  if (i.dns.length > 0) servers = i.dns.includes('none') ? [] : i.dns
  else if (i.networkDns.length > 0) servers = [...new Set(i.networkDns.map(d => d.server))]
  else servers = i.hostNetwork ? host.servers : host.servers.filter(s => !/^(127\.|::1$)/.test(s))
  if (i.dns.length === 0 && i.networkDns.length === 0 && servers.length === 0 && !i.hostNetwork) servers = ['8.8.8.8', '8.8.4.4']
  const search = i.dnsSearch.length > 0
    ? i.dnsSearch.filter(s => s !== '.')
    : [...new Set([...i.networkDns.map(d => d.domain), ...host.search])]
  const options = i.dnsOptions.length > 0 ? i.dnsOptions : host.options
  return [
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...servers.map(s => `nameserver ${s}`),
    ...(options.length > 0 ? [`options ${options.join(' ')}`] : []),
  ].join('\n') + '\n'
}

export function parseResolvConf (text: string): { servers: string[], search: string[], options: string[] } {
  const out = { servers: [] as string[], search: [] as string[], options: [] as string[] }
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.trim().split(/\s+/)
    if (key === 'nameserver' && rest[0] !== undefined) out.servers.push(rest[0])
    else if (key === 'search' || key === 'domain') out.search = rest
    else if (key === 'options') out.options.push(...rest)
  }
  return out
}

function readOr (file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

// Writes the three files under `dir` and returns their bind mounts, minus those the user
// mounted something over already.
export function writeEtcFiles (dir: string, input: Omit<EtcInput, 'hostHosts' | 'hostResolvConf'>, taken: ReadonlySet<string>): BindMount[] {
  const i: EtcInput = { ...input }
  const hh = readOr('/etc/hosts'); if (hh !== undefined) i.hostHosts = hh
  const hr = readOr('/etc/resolv.conf'); if (hr !== undefined) i.hostResolvConf = hr
  const files: [string, string][] = [['/etc/hosts', hostsFile(i)], ['/etc/resolv.conf', resolvConf(i)], ['/etc/hostname', `${i.hostname}\n`]]
  const binds: BindMount[] = []
  for (const [dest, text] of files) {
    if (taken.has(dest)) continue
    const file = path.join(dir, path.basename(dest))
    writeFileAtomicSync(file, text, 0o644)
    binds.push({ source: file, destination: dest })
  }
  return binds
}
