import fs from 'node:fs'
import path from 'node:path'

import type { ConfigWalk, NetworkConfig } from '../network/index.js'
import { cidrContains, formatCidr, parseCidr, parseIp } from '../network/cidr.js'
import { isPodctlOwned } from '../network/cni-config.js'
import type { IpFamily } from '../network/masq-cleanup.js'
import { subnetsOf } from '../network/network-info.js'
import type { PortmapChain } from '../network/portmap-rules.js'
import { destinationAddress, listPortmapChains, portmapChain, removePortmapChain } from '../network/portmap-rules.js'
import type { RowSnapshot } from './host-scan.js'
import type { Problem } from './types.js'

// The container IDs that name a mounted netns file of any podctl root (<runroot>/netns/<id>):
// a container attached anywhere on the host has one from before ADD until after DEL.
export function netnsOwnersOf (mounts: ReadonlySet<string>): Set<string> {
  return new Set([...mounts].filter(m => path.basename(path.dirname(m)) === 'netns').map(m => path.basename(m)))
}

// portmap's CNI-DN- chains (and the CNI-HOSTPORT-DNAT rules entering them) left by a
// container that is gone: on a podctl network of this config dir, for a container no row
// knows and no mounted netns of any root names (roots share network names, the default
// network's above all, so a live container of another root always keeps its rules).
// - With its entry rule, the owner is in portmap's comment; the chain's name must be
//   portmap's for that network and container, and its hairpin rule the network's subnet.
// - Without one (an ADD killed between portmap's chain and its entry rule), the chain's own
//   hairpin rule names the network's subnet, and its DNAT destination must be an address
//   host-local holds for no live container.
// A chain portmap flushed and whose entry went (a DEL killed before its last step) names
// nobody, and is left alone.
export async function findOrphanPortMappings (rows: RowSnapshot, walk: ConfigWalk, mounts: ReadonlySet<string>, ipamDataDir: string, signal?: AbortSignal): Promise<Problem[]> {
  const nets = walk.networks.filter(n => isPodctlOwned(n) && n.plugins.some(p => p.type === 'portmap'))
  if (nets.length === 0) return []
  const netnsOwners = netnsOwnersOf(mounts)
  const live = (id: string): boolean => rows.containers.has(id) || netnsOwners.has(id)
  const families = new Set<IpFamily>(nets.flatMap(n => subnetsOf(n).map(c => c.family)))
  const out: Problem[] = []
  for (const family of [...families].sort()) {
    for (const chain of await listPortmapChains(family, signal).catch(() => [])) {
      const found = chain.entries.length > 0 ? ownerByComment(chain, nets) : ownerBySubnet(chain, nets, ipamDataDir, live)
      if (found === undefined || (found.containerId !== undefined && live(found.containerId))) continue
      const ports = chain.destinations.length === 0 ? '' : ` (DNAT to ${chain.destinations.join(', ')})`
      out.push({
        kind: 'orphan-port-mapping', object: chain.name,
        detail: found.containerId !== undefined
          ? `published-port rules${ports} on network ${found.net.name} belong to container ${found.containerId}, which does not exist`
          : `published-port chain${ports} on network ${found.net.name} has no entry rule, and no container holds its address`,
        repair: () => removePortmapChain(family, chain.name, signal),
      })
    }
  }
  return out
}

// The comment's network and container, when the chain is portmap's for that pair and its
// hairpin rule (gone from a chain portmap already flushed) names that network's subnet.
function ownerByComment (chain: PortmapChain, nets: readonly NetworkConfig[]): { net: NetworkConfig, containerId: string } | undefined {
  for (const e of chain.entries) {
    const net = nets.find(n => n.name === e.network)
    if (net === undefined || e.containerId === undefined || portmapChain(net.name, e.containerId) !== chain.name) continue
    if (chain.sources.length > 0 && !namesSubnetOf(chain, net)) continue
    return { net, containerId: e.containerId }
  }
  return undefined
}

function namesSubnetOf (chain: PortmapChain, net: NetworkConfig): boolean {
  const sources = new Set(chain.sources.flatMap(s => { const c = parseCidr(s); return c === undefined ? [] : [formatCidr(c)] }))
  return subnetsOf(net).some(c => sources.has(formatCidr(c)))
}

function ownerBySubnet (chain: PortmapChain, nets: readonly NetworkConfig[], ipamDataDir: string, live: (id: string) => boolean): { net: NetworkConfig, containerId?: string } | undefined {
  const net = nets.find(n => namesSubnetOf(chain, n))
  if (net === undefined || chain.destinations.length === 0) return undefined
  for (const to of chain.destinations) {
    const ip = parseIp(destinationAddress(to))
    if (ip === undefined || !subnetsOf(net).some(c => cidrContains(c, ip))) return undefined
    const holder = ipamHolder(ipamDirOf(net, ipamDataDir), destinationAddress(to))
    if (holder !== undefined && live(holder)) return undefined
  }
  return { net }
}

// host-local's data dir for the network: its conflist's ipam.dataDir, else the default.
function ipamDirOf (net: NetworkConfig, ipamDataDir: string): string {
  const ipam = net.plugins[0]?.['ipam'] as { dataDir?: unknown } | undefined
  return path.join(typeof ipam?.dataDir === 'string' ? ipam.dataDir : ipamDataDir, net.name)
}

// The container ID host-local recorded for the address (file <dir>/<ip>: "<id>\n<ifname>").
function ipamHolder (dir: string, address: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, address), 'utf8').split(/\r?\n/)[0]?.trim()
  } catch {
    return undefined
  }
}
