import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'

import type { NetworkConfig } from './cni-config.js'
import { parseCidr } from './cidr.js'

const IPTABLES_TIMEOUT_MS = 30_000

// The bridge plugin (1.x) removes its ipMasq chain only when it can read the container's
// addresses from the netns. With the netns already gone, podctl removes the rule and
// chain itself, using the addresses of the cached result. The names follow the plugin's
// scheme: chain "CNI-" + first 24 hex chars of sha512(network name + container ID),
// rule comment `name: "<net>" id: "<container>"`.
export async function removeOrphanedMasquerade (net: NetworkConfig, containerId: string, result: Record<string, unknown> | undefined): Promise<void> {
  const main = net.plugins[0]
  if (main?.type !== 'bridge' || main['ipMasq'] !== true || result === undefined) return
  const chain = `CNI-${createHash('sha512').update(net.name + containerId).digest('hex').slice(0, 24)}`
  const comment = `name: "${net.name}" id: "${containerId}"`
  const ips = Array.isArray(result['ips']) ? result['ips'] as { address?: unknown }[] : []
  const families = new Set<4 | 6>()
  for (const entry of ips) {
    const address = typeof entry.address === 'string' ? entry.address : ''
    const cidr = parseCidr(address)
    if (cidr === undefined) continue
    families.add(cidr.family)
    const host = `${address.split('/')[0]}/${cidr.family === 4 ? 32 : 128}`
    await iptables(cidr.family, ['-t', 'nat', '-D', 'POSTROUTING', '-s', host, '-m', 'comment', '--comment', comment, '-j', chain])
  }
  for (const family of families) {
    await iptables(family, ['-t', 'nat', '-F', chain])
    await iptables(family, ['-t', 'nat', '-X', chain])
  }
}

// Runs iptables/ip6tables with the xtables lock wait; a missing rule or chain is fine.
function iptables (family: 4 | 6, args: string[]): Promise<void> {
  return new Promise(resolve => {
    execFile(family === 4 ? 'iptables' : 'ip6tables', ['-w', ...args], { timeout: IPTABLES_TIMEOUT_MS }, () => resolve())
  })
}
