import { DEFAULT_NETWORK } from '../network/index.js'
import type { ContainerNetworkResult } from '../state/network-rows.js'

// Podman's InspectBasicNetworkConfig: what one network gave the container.
export interface BasicNetworkConfig {
  EndpointID: string
  Gateway: string
  IPAddress: string
  IPPrefixLen: number
  IPv6Gateway: string
  GlobalIPv6Address: string
  GlobalIPv6PrefixLen: number
  MacAddress: string
}

export interface AdditionalNetwork extends BasicNetworkConfig {
  NetworkID: string
  DriverOpts: null
  IPAMConfig: null
  Links: null
  Aliases: string[]
}

const EMPTY: BasicNetworkConfig = { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '' }

interface CniIp { address?: unknown, gateway?: unknown, interface?: unknown }
interface CniInterface { name?: unknown, mac?: unknown, sandbox?: unknown }

// A CNI result (1.0 shape: interfaces, ips with an interface index) as Podman shows it:
// the first IPv4 and IPv6 address on the container's side of the attachment.
export function basicConfigOf (result: Record<string, unknown> | null, ifname: string): BasicNetworkConfig {
  if (result === null) return { ...EMPTY }
  const ifaces = Array.isArray(result['interfaces']) ? result['interfaces'] as CniInterface[] : []
  const mine = ifaces.findIndex(i => i.name === ifname && typeof i.sandbox === 'string' && i.sandbox !== '')
  const out: BasicNetworkConfig = { ...EMPTY, MacAddress: mine >= 0 && typeof ifaces[mine]!.mac === 'string' ? ifaces[mine]!.mac as string : '' }
  const ips = Array.isArray(result['ips']) ? result['ips'] as CniIp[] : []
  for (const ip of ips) {
    if (typeof ip.address !== 'string' || (mine >= 0 && typeof ip.interface === 'number' && ip.interface !== mine)) continue
    const [addr = '', len = '0'] = ip.address.split('/')
    const gw = typeof ip.gateway === 'string' ? ip.gateway : ''
    if (addr.includes(':')) {
      if (out.GlobalIPv6Address !== '') continue
      Object.assign(out, { GlobalIPv6Address: addr, GlobalIPv6PrefixLen: Number(len), IPv6Gateway: gw })
    } else if (out.IPAddress === '') {
      Object.assign(out, { IPAddress: addr, IPPrefixLen: Number(len), Gateway: gw })
    }
  }
  return out
}

// NetworkSettings' network part as Podman 4 prints it: a Networks entry per attached
// network (addresses only while the container runs), and the top-level fields filled in
// only when the default network is the only one.
// aliases: the user's --network-alias names per network; Podman lists the short ID too.
export function networkSettingsOf (containerId: string, rows: readonly ContainerNetworkResult[], running: boolean, aliases: Record<string, readonly string[]> = {}): { basic: BasicNetworkConfig, networks?: Record<string, AdditionalNetwork> } {
  if (rows.length === 0) return { basic: { ...EMPTY } }
  const networks: Record<string, AdditionalNetwork> = {}
  for (const r of rows) {
    networks[r.network] = {
      ...basicConfigOf(running ? r.result : null, r.ifname),
      NetworkID: r.network, DriverOpts: null, IPAMConfig: null, Links: null, Aliases: [...new Set([...(aliases[r.network] ?? []), containerId.slice(0, 12)])],
    }
  }
  const only = rows.length === 1 && rows[0]!.network === DEFAULT_NETWORK ? networks[DEFAULT_NETWORK]! : undefined
  const basic: BasicNetworkConfig = { ...EMPTY }
  if (only !== undefined) for (const k of Object.keys(EMPTY) as (keyof BasicNetworkConfig)[]) (basic as unknown as Record<string, unknown>)[k] = only[k]
  return { basic, networks }
}
