import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { errorMessage, invalidArgument, PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import { runProcess } from '../process/run-process.js'
import { cidrContains, parseIp } from './cidr.js'
import type { NetworkConfig } from './cni-config.js'
import { parseNetworkConfig } from './cni-config.js'
import type { CniPaths } from './cni-paths.js'
import type { ConfigWalk } from './config-walk.js'
import { findNetwork } from './config-walk.js'
import { validateInterfaceName } from './conflist-build.js'
import { withContainerNetworkLock } from './container-lock.js'
import { KeyedQueue } from './keyed-queue.js'
import { removeMasquerade } from './masq-cleanup.js'
import { createNetns, isNetnsMounted, netnsPathFor, removeNetns } from './netns.js'
import { subnetsOf } from './network-info.js'
import type { ChainContext } from './plugin-chain.js'
import { addNetwork, cleanupContext, cniArgsFor, delNetwork, formatCniArgs } from './plugin-chain.js'
import { findPlugin } from './plugin-exec.js'
import type { PortMapping } from './port-mapping.js'
import { portCapabilityArgs } from './port-mapping.js'
import type { CachedAttachment } from './result-cache.js'
import { cachedConfigText, readCachedAttachments, removeCachedAttachment, writeCachedAttachment } from './result-cache.js'

// aliases: extra DNS names on that network (dnsname's runtimeConfig.aliases); portMappings
// go to the portmap plugin (runtimeConfig) of that network only.
export interface NetworkRequest { name: string, ifname?: string, staticIp?: string, aliases?: string[], portMappings?: PortMapping[] }
// portMappings: what ADD was given, for a DEL that finds no cache entry.
export interface DetachRequest { name: string, ifname?: string, portMappings?: PortMapping[] }
export interface AttachedNetwork { network: string, ifname: string, ips: string[], result: Record<string, unknown> }
export interface AttachResult { netnsPath: string, networks: AttachedNetwork[] }

export interface AttachDeps {
  config: CniPaths
  log: Logger
  walk: () => Promise<ConfigWalk>
  signal?: AbortSignal
  pluginTimeoutMs?: number
  // Makes sure the network's own NAT (network-nat.ts) is in place; runs before each ADD.
  ensureNat?: (net: NetworkConfig) => Promise<void>
}

const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/
// One container's attachments change one after another (the CNI spec forbids parallel
// calls for one container): in this process a queue, across processes a flock.
// Different containers proceed in parallel.
const perContainer = new KeyedQueue()

function oneAtATime<T> (deps: AttachDeps, containerId: string, fn: () => Promise<T>): Promise<T> {
  return perContainer.run(containerId, () => withContainerNetworkLock(deps.config.runroot, containerId, fn, deps.signal))
}

function chainContext (deps: AttachDeps, containerId: string, netns: string): ChainContext {
  const ctx: ChainContext = { containerId, netns, pluginDirs: deps.config.cniPluginDirs, log: deps.log }
  if (deps.pluginTimeoutMs !== undefined) ctx.timeoutMs = deps.pluginTimeoutMs
  if (deps.signal !== undefined) ctx.signal = deps.signal
  return ctx
}

function checkRequests (containerId: string, requests: readonly NetworkRequest[]): Required<Pick<NetworkRequest, 'name' | 'ifname'>>[] {
  if (!CONTAINER_ID.test(containerId)) throw invalidArgument(`invalid container ID ${JSON.stringify(containerId)} for networking`)
  if (requests.length === 0) throw invalidArgument('no networks to attach')
  const out = requests.map((r, i) => ({ name: r.name, ifname: validateInterfaceName(r.ifname ?? `eth${i}`) }))
  const seen = new Set<string>()
  for (const r of out) {
    if (seen.has(`n:${r.name}`)) throw invalidArgument(`network ${r.name} given more than once`)
    if (seen.has(`i:${r.ifname}`)) throw invalidArgument(`interface name ${r.ifname} given more than once`)
    seen.add(`n:${r.name}`); seen.add(`i:${r.ifname}`)
  }
  return out
}

function checkStaticIp (net: NetworkConfig, ip: string): void {
  const parsed = parseIp(ip)
  if (parsed === undefined) throw invalidArgument(`invalid static IP ${JSON.stringify(ip)} for network ${net.name}`)
  if (!subnetsOf(net).some(c => cidrContains(c, parsed))) throw invalidArgument(`static IP ${ip} is not in any subnet of network ${net.name}`)
}

// Creates <runroot>/netns/<id> and runs ADD for each network's plugins in order, caching
// each result where libcni does. On any failure everything done so far is undone
// (DEL, cache entry, netns) before the error is rethrown.
export function attachNetworks (deps: AttachDeps, containerId: string, requests: readonly NetworkRequest[], containerName?: string): Promise<AttachResult> {
  const wanted = checkRequests(containerId, requests)
  return oneAtATime(deps, containerId, async () => {
    const walk = await deps.walk()
    const nets = wanted.map(w => findNetwork(walk, w.name))
    requests.forEach((r, i) => { if (r.staticIp !== undefined) checkStaticIp(nets[i]!, r.staticIp) })
    for (const net of nets) {
      for (const p of net.plugins) {
        if (findPlugin(p.type, deps.config.cniPluginDirs) === undefined) {
          throw new PodctlError('NETWORK_FAILED', `network ${net.name}: failed to find plugin "${p.type}" in path [${deps.config.cniPluginDirs.join(' ')}]`)
        }
      }
    }
    const netnsPath = netnsPathFor(deps.config.runroot, containerId)
    // The networks' masquerade check (an iptables exec each) and the netns (unshare + ip)
    // need nothing from each other: they run at once. Either failing undoes the netns.
    const [nat, ns] = await Promise.allSettled([
      (async () => { for (const net of nets) await deps.ensureNat?.(net) })(),
      createNetns(netnsPath, deps.signal),
    ])
    if (nat.status === 'rejected' || ns.status === 'rejected') {
      if (ns.status === 'fulfilled') await removeNetns(netnsPath).catch(e => deps.log.warn(`removing ${netnsPath}: ${errorMessage(e)}`))
      throw nat.status === 'rejected' ? nat.reason : (ns as PromiseRejectedResult).reason
    }
    const ctx = chainContext(deps, containerId, netnsPath)
    const done: { net: NetworkConfig, ifname: string, cniArgs: [string, string][], result?: Record<string, unknown>, capabilityArgs?: Record<string, unknown> }[] = []
    let attempted = 0
    try {
      for (const [i, net] of nets.entries()) {
        attempted = i + 1
        const ifname = wanted[i]!.ifname
        const cniArgs = cniArgsFor(requests[i]!.staticIp, containerName)
        const aliases = requests[i]!.aliases ?? []
        const capabilityArgs = { ...portCapabilityArgs(requests[i]!.portMappings), ...(aliases.length > 0 ? { aliases: { [net.name]: aliases } } : {}) }
        const result = await addNetwork(ctx, net, ifname, formatCniArgs(cniArgs), capabilityArgs)
        done.push({ net, ifname, cniArgs, result, ...(Object.keys(capabilityArgs).length === 0 ? {} : { capabilityArgs }) })
        await writeCachedAttachment(deps.config.cniCacheDir, {
          kind: 'cniCacheV1', containerId, config: Buffer.from(net.bytes).toString('base64'), ifName: ifname, networkName: net.name, cniArgs, result, ...(Object.keys(capabilityArgs).length === 0 ? {} : { capabilityArgs }),
        })
      }
    } catch (err) {
      for (const d of done.reverse()) {
        const errors = await delNetwork(cleanupContext(ctx), d.net, d.ifname, formatCniArgs(d.cniArgs), d.result, d.capabilityArgs)
        for (const e of errors) deps.log.warn(`undoing network ${d.net.name} of ${containerId}: ${errorMessage(e)}`)
        await removeCachedAttachment(deps.config.cniCacheDir, d.net.name, containerId, d.ifname).catch(() => {})
      }
      // Every network ADD ran for, the failed one too: its chain may outlive its link.
      for (const net of nets.slice(0, attempted)) {
        await removeMasquerade(net, containerId).catch((e: unknown) => deps.log.warn(`undoing network ${net.name} of ${containerId}: ${errorMessage(e)}`))
      }
      await removeNetns(netnsPath).catch(e => deps.log.warn(`removing ${netnsPath}: ${errorMessage(e)}`))
      throw err
    }
    return { netnsPath, networks: done.map(d => ({ network: d.net.name, ifname: d.ifname, ips: ipsOf(d.result!), result: d.result! })) }
  })
}

function ipsOf (result: Record<string, unknown>): string[] {
  const ips = Array.isArray(result['ips']) ? result['ips'] as { address?: unknown }[] : []
  return ips.flatMap(i => typeof i.address === 'string' ? [i.address] : [])
}

interface Teardown { name: string, ifname: string, cached?: CachedAttachment, portMappings?: PortMapping[] }

// Runs DEL for the container's attachments (all of them, or the requested ones) in reverse
// order with the cached result and ifname, then always removes their cache entries, and
// the netns once no attachment is left (before the DELs, when all of them go). A missing netns, cache
// entry, network or plugin is tolerated, so DEL is idempotent. Throws NETWORK_FAILED
// (after cleaning up) when a plugin's DEL failed.
export function detachNetworks (deps: AttachDeps, containerId: string, requests?: readonly DetachRequest[]): Promise<void> {
  if (!CONTAINER_ID.test(containerId)) return Promise.reject(invalidArgument(`invalid container ID ${JSON.stringify(containerId)} for networking`))
  return oneAtATime(deps, containerId, async () => {
    const cached = (await readCachedAttachments(deps.config.cniCacheDir, f => f.includes(`-${containerId}-`)))
      .filter(c => c.containerId === containerId)
    const targets: Teardown[] = requests === undefined
      ? cached.map(c => ({ name: c.networkName, ifname: c.ifName, cached: c })).sort((a, b) => compareIfnames(b.ifname, a.ifname))
      : requests.map((r, i) => {
        const hit = cached.find(c => c.networkName === r.name && (r.ifname === undefined || c.ifName === r.ifname))
        const ports = r.portMappings === undefined ? {} : { portMappings: r.portMappings }
        return hit === undefined ? { name: r.name, ifname: r.ifname ?? `eth${i}`, ...ports } : { name: r.name, ifname: hit.ifName, cached: hit, ...ports }
      }).reverse()
    const netnsPath = netnsPathFor(deps.config.runroot, containerId)
    // Tearing down everything: the netns goes first. With no process left in it, the kernel
    // destroys it and its interfaces in its own batched cleanup (no veth deletion per DEL
    // under the rtnl lock), and each plugin's DEL, given no netns as the CNI spec allows, only
    // releases what lives outside it: IPs, rules. A netns that will not go is left to DEL.
    const everything = requests === undefined || cached.every(c => targets.some(t => t.cached === c))
    const netnsGone = everything && await removeNetns(netnsPath).then(() => true, (e: unknown) => {
      deps.log.debug(`removing ${netnsPath} before DEL: ${errorMessage(e)}`)
      return false
    })
    const ctx = chainContext(deps, containerId, !netnsGone && await isNetnsMounted(netnsPath) ? netnsPath : '')
    const walk = targets.length > 0 ? await deps.walk() : undefined
    const errors: unknown[] = []
    for (const t of targets) {
      const found = configForTeardown(walk!, t, deps.log)
      if (found !== undefined) {
        const { net, cached } = found
        const args = t.cached?.cniArgs ?? cniArgsFor()
        errors.push(...await delNetwork(ctx, net, t.ifname, formatCniArgs(args), t.cached?.result, t.cached?.capabilityArgs ?? portCapabilityArgs(t.portMappings)))
        // Without the config ADD used, whether the plugin masqueraded is unknown: look.
        await removeMasquerade(net, containerId, t.cached?.result, deps.signal, !cached).catch((e: unknown) => { errors.push(e) })
      }
      await removeCachedAttachment(deps.config.cniCacheDir, t.name, containerId, t.ifname)
    }
    // The netns goes with the last attachment (or when asked for everything); detaching
    // some networks of a container that keeps others leaves it in place.
    const left = requests === undefined ? [] : (await readCachedAttachments(deps.config.cniCacheDir, f => f.includes(`-${containerId}-`)))
      .filter(c => c.containerId === containerId)
    if (left.length === 0) await removeNetns(netnsPath)
    // The kernel's cleanup of the netns takes the host ends of its veths with it, moments
    // later: when detach returns they are gone (waited for, else deleted).
    if (netnsGone) await hostLinksGone(targets.flatMap(t => hostLinksOf(t.cached)), deps.signal)
    if (errors.length > 0) {
      throw new PodctlError('NETWORK_FAILED', `tearing down the network of ${containerId}: ${errors.map(errorMessage).join('; ')}`)
    }
  })
}

// The host-side links a bridge-type ADD made for the container (a veth's host end): in the
// result's interfaces, those outside the sandbox other than the bridge it names itself.
function hostLinksOf (cached: CachedAttachment | undefined): string[] {
  const ifs = cached?.result['interfaces']
  if (!Array.isArray(ifs)) return []
  const out: string[] = []
  for (const [i, v] of (ifs as unknown[]).entries()) {
    const iface = v as { name?: unknown, sandbox?: unknown }
    if (typeof iface.name !== 'string' || (typeof iface.sandbox === 'string' && iface.sandbox !== '')) continue
    // Each veth's host end is reported right after the bridge and before the sandbox end.
    const next = ifs[i + 1] as { sandbox?: unknown } | undefined
    if (typeof next?.sandbox === 'string' && next.sandbox !== '' && /^[A-Za-z0-9_.-]{1,15}$/.test(iface.name)) out.push(iface.name)
  }
  return out
}

const HOST_LINK_WAIT_MS = 2000

async function hostLinksGone (links: string[], signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + HOST_LINK_WAIT_MS
  let left = links.filter(linkExists)
  while (left.length > 0 && Date.now() < deadline && signal?.aborted !== true) {
    await sleep(5)
    left = left.filter(linkExists)
  }
  for (const l of left) await runProcess('ip', ['link', 'del', l], { timeoutMs: 10_000 }).catch(() => { /* gone meanwhile */ })
}

const linkExists = (name: string): boolean => fs.existsSync(`/sys/class/net/${name}`)

// The config cached at ADD time (what set the attachment up: a flag flipped in the file
// since, such as ipMasq, must not change how it is torn down), else the live config.
function configForTeardown (walk: ConfigWalk, t: Teardown, log: Logger): { net: NetworkConfig, cached: boolean } | undefined {
  const live = walk.byName.get(t.name)
  let cachedConf: NetworkConfig | undefined
  const text = t.cached === undefined ? undefined : cachedConfigText(t.cached)
  if (text !== undefined) {
    try {
      cachedConf = parseNetworkConfig(`<cached ${t.name}>`, text, 0, /"plugins"\s*:/.test(text))
    } catch { /* unusable cache: fall back to the live config */ }
  }
  if (cachedConf !== undefined) return { net: cachedConf, cached: true }
  if (live !== undefined) return { net: live, cached: false }
  log.warn(`network ${t.name} not found and no cached config: nothing to tear down for ${t.ifname}`)
  return undefined
}

function compareIfnames (a: string, b: string): number {
  const na = /(\d+)$/.exec(a); const nb = /(\d+)$/.exec(b)
  const pa = na === null ? a : a.slice(0, na.index); const pb = nb === null ? b : b.slice(0, nb.index)
  if (pa !== pb || na === null || nb === null) return a < b ? -1 : a > b ? 1 : 0
  return Number(na[1]) - Number(nb[1])
}
