import fs from 'node:fs'
import path from 'node:path'

import { errorMessage } from '../errors.js'
import type { Host } from '../host.js'
import type { ConfigWalk } from '../network/index.js'
import { CNIEnv, netnsPathFor } from '../network/index.js'
import { isPodctlOwned, parseNetworkConfig } from '../network/cni-config.js'
import { ARGS_KEY, driverOf, interfaceOf, subnetsOf } from '../network/network-info.js'
import type { IpFamily } from '../network/masq-cleanup.js'
import { listMasqueradeRules, removeMasquerade } from '../network/masq-cleanup.js'
import { isNetnsMounted } from '../network/netns.js'
import type { NatListing } from '../network/network-nat.js'
import { listNat, natChainName, natInstalled, ownsNat, removeNatChain } from '../network/network-nat.js'
import type { CachedAttachment } from '../network/result-cache.js'
import { cachedConfigText, readCachedAttachments } from '../network/result-cache.js'
import type { RowSnapshot } from './host-scan.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'
import { listDir } from './host-scan.js'
import type { Problem } from './types.js'

const IP_TIMEOUT_MS = 30_000

// Networks check may clean up after: podctl's own. The result cache and IPAM dir may be
// shared with other CNI users, so a network no longer in the config dir counts only when
// the cached config says podctl wrote it (its "args" carry podctl's key).
function isOurs (walk: ConfigWalk, network: string, cached?: CachedAttachment): boolean {
  const net = walk.byName.get(network)
  if (net !== undefined) return isPodctlOwned(net)
  const text = cached === undefined ? undefined : cachedConfigText(cached)
  try {
    const args = (JSON.parse(text ?? '{}') as { args?: Record<string, unknown> }).args
    return typeof args === 'object' && args !== null && ARGS_KEY in args
  } catch {
    return false
  }
}

// Cached CNI results (libcni layout) of containers without a row: CNI DEL with the
// cached result releases the IP and host-side interfaces, then the entry goes.
export async function findOrphanCniResults (host: Host, rows: RowSnapshot, walk: ConfigWalk, cni: CNIEnv): Promise<Problem[]> {
  const entries = await readCachedAttachments(host.config.cniCacheDir, () => true)
  return entries.filter(e => !rows.containers.has(e.containerId) && isOurs(walk, e.networkName, e)).map(e => ({
    kind: 'orphan-cni-result', object: `${e.networkName}-${e.containerId}-${e.ifName}`,
    detail: `CNI result of container ${e.containerId} on network ${e.networkName} (${e.ifName}${ipsOf(e)}) belongs to no container`,
    repair: () => cni.detach(e.containerId, [{ name: e.networkName, ifname: e.ifName }]),
  }))
}

function ipsOf (e: CachedAttachment): string {
  const ips = Array.isArray(e.result['ips']) ? (e.result['ips'] as { address?: unknown }[]).flatMap(i => typeof i.address === 'string' ? [i.address] : []) : []
  return ips.length === 0 ? '' : `, ${ips.join(', ')}`
}

// host-local allocations (<cniCacheDir>/networks/<net>/<ip>, content "<containerID>\n<ifname>")
// of containers without a row: DEL through CNI when the netns still exists, else the file goes.
export async function findOrphanIpam (host: Host, rows: RowSnapshot, walk: ConfigWalk, cni: CNIEnv): Promise<Problem[]> {
  const base = cni.ipamDataDir
  const out: Problem[] = []
  for (const network of listDir(base)) {
    if (!isOurs(walk, network)) continue
    for (const name of listDir(path.join(base, network))) {
      if (name === 'lock' || name.startsWith('last_reserved_ip')) continue
      const file = path.join(base, network, name)
      let text: string
      try { text = fs.readFileSync(file, 'utf8') } catch { continue }
      const [containerId = '', ifname = 'eth0'] = text.split(/\r?\n/).map(s => s.trim())
      if (rows.containers.has(containerId)) continue
      out.push({
        kind: 'orphan-ipam', object: file, detail: `IP ${name} on network ${network} is allocated to container ${containerId || '?'} (${ifname}), which does not exist`,
        repair: async () => {
          if (/^[0-9a-f]{64}$/.test(containerId) && await isNetnsMounted(netnsPathFor(host.config.runroot, containerId))) {
            await cni.detach(containerId, [{ name: network, ifname }])
          }
          fs.rmSync(file, { force: true })
        },
      })
    }
  }
  return out
}

// Config files the walk had to skip: never touched (another tool may own or be writing them).
export function findBadConflists (walk: ConfigWalk): Problem[] {
  return walk.skipped.map(line => {
    const m = /^skipping CNI config file (.*?): (.*)$/s.exec(line)
    return { kind: 'bad-conflist' as const, object: m?.[1] ?? line, detail: m?.[2] ?? line, cannot: 'podctl never changes a CNI config file it cannot parse; fix or remove it by hand' }
  })
}

// Masquerade rules (POSTROUTING + CNI-… chain) the bridge plugin made on a podctl network
// for a container that no row knows and whose netns is mounted nowhere on the host. Other
// podctl roots use the same network names (the default "podctl" above all), so a rule
// counts only when no netns file of any root is named by its container ID: an attached
// container always has one from before ADD until after DEL.
export async function findOrphanMasquerades (rows: RowSnapshot, walk: ConfigWalk, mounts: ReadonlySet<string>, signal?: AbortSignal): Promise<Problem[]> {
  // Every podctl bridge: a network whose ipMasq was turned off may still have old chains.
  const nets = walk.networks.filter(n => isPodctlOwned(n) && driverOf(n) === 'bridge')
  if (nets.length === 0) return []
  const families = new Set<IpFamily>(nets.flatMap(n => subnetsOf(n).map(c => c.family)))
  const netnsOwners = new Set([...mounts].filter(m => path.basename(path.dirname(m)) === 'netns').map(m => path.basename(m)))
  const out: Problem[] = []
  const seen = new Set<string>()
  for (const family of [...families].sort()) {
    for (const r of await listMasqueradeRules(family, signal).catch(() => [])) {
      const net = nets.find(n => n.name === r.network)
      if (net === undefined || rows.containers.has(r.containerId) || netnsOwners.has(r.containerId)) continue
      if (seen.has(r.chain)) continue
      seen.add(r.chain)
      out.push({
        kind: 'orphan-masquerade', object: r.chain,
        detail: `masquerade rule for ${r.source} on network ${r.network} belongs to container ${r.containerId}, which does not exist`,
        repair: () => removeMasquerade(net, r.containerId, undefined, signal, true),
      })
    }
  }
  return out
}

interface IpLink { ifname: string, master?: string, link_netnsid?: number, link?: string | null }

// veths enslaved to a podctl bridge whose peer is in no other network namespace: the
// container side of a half-done ADD (a veth whose netns went is destroyed by the kernel).
// Healthy veths always have a peer in a netns, so bridges shared by several podctl roots are safe.
export async function findOrphanVeths (walk: ConfigWalk, signal?: AbortSignal): Promise<Problem[]> {
  const bridges = new Set(walk.networks.filter(n => isPodctlOwned(n) && driverOf(n) === 'bridge').map(interfaceOf).filter(i => i !== ''))
  if (bridges.size === 0) return []
  let links: IpLink[]
  try {
    links = JSON.parse(await ip(['-j', 'link', 'show', 'type', 'veth'], signal)) as IpLink[]
  } catch {
    return []
  }
  return links.filter(l => l.master !== undefined && bridges.has(l.master) && l.link_netnsid === undefined).map(l => ({
    kind: 'orphan-veth', object: l.ifname,
    detail: `veth ${l.ifname} on bridge ${l.master ?? '?'} has no peer in a container (${l.link ?? 'no peer'})`,
    repair: async () => {
      await ip(['link', 'del', l.ifname], signal).catch((err: unknown) => { if (!/Cannot find device/.test(errorMessage(err))) throw err })
    },
  }))
}

async function ip (args: string[], signal: AbortSignal | undefined): Promise<string> {
  try {
    return (await runProcess('ip', args, { timeoutMs: IP_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })).stdout
  } catch (err) {
    if (!isProcessError(err)) throw err
    throw new Error(err.stderr.trim() || err.message, { cause: err })
  }
}

// PODCTL- chains (network-nat.ts) whose conflist, named in the jump's comment, no longer
// defines that network (another root's live networks are left alone), and networks of
// this config dir with attached containers that lost their jump (a firewall flush).
export async function findNatProblems (walk: ConfigWalk, cni: CNIEnv, signal?: AbortSignal): Promise<Problem[]> {
  const ours = new Map(walk.networks.filter(ownsNat).map(n => [natChainName(n.file, n.name), n]))
  const families = new Set<IpFamily>([4, ...walk.networks.flatMap(n => subnetsOf(n).map(c => c.family))])
  const out: Problem[] = []
  for (const family of [...families].sort()) {
    let listing: NatListing
    try { listing = await listNat(family, signal) } catch { continue }
    for (const chain of new Set([...listing.chains, ...listing.jumps.map(j => j.chain)])) {
      if (ours.has(chain)) continue
      const jumps = listing.jumps.filter(j => j.chain === chain)
      if (jumps.some(j => j.file === undefined ? j.network !== undefined : definesNat(j.file, j.network, chain))) continue
      const j = jumps[0]
      out.push({
        kind: 'orphan-nat-chain', object: chain,
        detail: j === undefined
          ? `NAT chain ${chain} has no POSTROUTING rule and belongs to no network`
          : `NAT chain ${chain} for ${j.source} of network ${j.network ?? '?'} (${j.file ?? '?'}) belongs to no network config`,
        repair: () => removeNatChain(family, chain, signal),
      })
    }
  }
  for (const net of ours.values()) {
    if (await natInstalled(net, signal).catch(() => true)) continue
    // Attached containers (cached CNI results) need it now; a created one gets it at start.
    const attached = await readCachedAttachments(cni.config.cniCacheDir, f => f.startsWith(`${net.name}-`))
    if (!attached.some(a => a.networkName === net.name)) continue
    out.push({
      kind: 'missing-nat-rule', object: net.name,
      detail: `network ${net.name} has attached containers but its NAT rule (${natChainName(net.file, net.name)}) is missing`,
      repair: () => cni.ensureNat(net),
    })
  }
  return out
}

function definesNat (file: string, network: string | undefined, chain: string): boolean {
  try {
    const net = parseNetworkConfig(file, fs.readFileSync(file, 'utf8'))
    return net.name === network && ownsNat(net) && natChainName(net.file, net.name) === chain
  } catch {
    return false
  }
}
