import { createHash } from 'node:crypto'

import type { Cidr } from './cidr.js'
import { formatCidr } from './cidr.js'
import type { NetworkConfig } from './cni-config.js'
import { isPodctlOwned } from './cni-config.js'
import { iptables, isMissingRule, restoreArgs, restoreIptables } from './iptables.js'
import type { IpFamily } from './masq-cleanup.js'
import { driverOf, podctlArgs, subnetsOf } from './network-info.js'

// Host NAT per network: one chain PODCTL-<id> (ACCEPT towards the network's own subnets,
// MASQUERADE for everything else but multicast) and one POSTROUTING jump per subnet,
// commented with the network name and its conflist. The id hashes the conflist path, so
// podctl roots with a network of the same name (every root has "podctl") never share or
// remove each other's chains, and system check can tell whose a chain is from the comment.
// iptables here is nf_tables: each commit costs ~14 ms in the kernel, so a change is one
// iptables-restore --noflush transaction, and a container's ADD or DEL makes none.

const MULTICAST: Record<IpFamily, string> = { 4: '224.0.0.0/4', 6: 'ff00::/8' }
export const NAT_CHAIN_PREFIX = 'PODCTL-'
export const NAT_MARK = 'podctl'

export interface NatPlan { family: IpFamily, chain: string, subnets: string[], comment: string }

// The chain of the network defined in `file` (iptables chain names hold at most 28 chars).
export function natChainName (file: string, name: string): string {
  return NAT_CHAIN_PREFIX + createHash('sha256').update(`${file}\n${name}`).digest('hex').slice(0, 20)
}

// iptables keeps at most 256 bytes of a comment: a longer path is left out (system check
// then leaves the chain alone, as it cannot tell whose it is).
export function natComment (net: NetworkConfig): string {
  const full = `podctl network ${net.name} file ${net.file}`
  return Buffer.byteLength(full) <= 255 ? full : `podctl network ${net.name}`
}

// True for a network whose NAT podctl owns: a podctl bridge conflist written with
// ipMasq false and args.podctl.nat = "podctl" (older podctl networks keep ipMasq true and
// the bridge plugin's per-container chains; internal networks get no NAT).
export function ownsNat (net: NetworkConfig): boolean {
  const main = net.plugins[0]
  return isPodctlOwned(net) && driverOf(net) === 'bridge' && main?.['ipMasq'] !== true && podctlArgs(net).nat === NAT_MARK && podctlArgs(net).internal !== true
}

export function natPlans (net: NetworkConfig): NatPlan[] {
  const byFamily = new Map<IpFamily, Cidr[]>()
  for (const c of subnetsOf(net)) byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c])
  return [...byFamily.entries()].sort(([a], [b]) => a - b).map(([family, cidrs]) => ({
    family, chain: natChainName(net.file, net.name), subnets: cidrs.map(formatCidr), comment: natComment(net),
  }))
}

function jumpSpec (p: NatPlan, subnet: string): string[] {
  return ['-s', subnet, '-m', 'comment', '--comment', p.comment, '-j', p.chain]
}

// One `iptables -t nat -C` per family: true when the first subnet's jump is in place (a
// jump to a missing chain cannot exist, so the chain is there too).
export async function natInstalled (net: NetworkConfig, signal?: AbortSignal): Promise<boolean> {
  for (const p of natPlans(net)) {
    try {
      await iptables(p.family, ['-t', 'nat', '-C', 'POSTROUTING', ...jumpSpec(p, p.subnets[0]!)], signal)
    } catch (err) {
      if (isMissingRule(err)) return false
      throw err
    }
  }
  return true
}

// Installs (or heals) the network's chain and jumps in one transaction per family: jumps
// already there are deleted and added again, the chain is declared (which flushes it) and
// filled. The caller serialises installs of one config dir (its exclusive lock).
export async function installNat (net: NetworkConfig, signal?: AbortSignal): Promise<void> {
  for (const p of natPlans(net)) {
    const rules = await listNat(p.family, signal)
    const lines = ['*nat', ...rules.jumps.filter(j => j.chain === p.chain).map(j => `-D ${j.spec}`), `:${p.chain} - [0:0]`]
    for (const s of p.subnets) lines.push(`-A ${p.chain} -d ${s} -j ACCEPT`)
    lines.push(`-A ${p.chain} ! -d ${MULTICAST[p.family]} -j MASQUERADE`)
    for (const s of p.subnets) lines.push(`-A POSTROUTING ${restoreArgs(jumpSpec(p, s))}`)
    await restoreIptables(p.family, [...lines, 'COMMIT'], signal)
  }
}

// Removes the chain and every POSTROUTING jump to it, in one transaction per family;
// a chain already gone is success.
export async function removeNatChain (family: IpFamily, chain: string, signal?: AbortSignal): Promise<void> {
  const rules = await listNat(family, signal)
  const jumps = rules.jumps.filter(j => j.chain === chain)
  if (jumps.length === 0 && !rules.chains.has(chain)) return
  const lines = ['*nat', ...jumps.map(j => `-D ${j.spec}`)]
  if (rules.chains.has(chain)) lines.push(`-F ${chain}`, `-X ${chain}`)
  await restoreIptables(family, [...lines, 'COMMIT'], signal)
}

export async function removeNat (net: NetworkConfig, signal?: AbortSignal): Promise<void> {
  for (const p of natPlans(net)) await removeNatChain(p.family, p.chain, signal)
}

// A POSTROUTING jump to a PODCTL- chain, with what its comment says.
export interface NatJump { chain: string, source: string, network?: string, file?: string, spec: string }
export interface NatListing { chains: Set<string>, jumps: NatJump[] }

// The PODCTL- chains of the nat table and the POSTROUTING jumps to them (one `iptables -S`).
export async function listNat (family: IpFamily, signal?: AbortSignal): Promise<NatListing> {
  const text = await iptables(family, ['-t', 'nat', '-S'], signal)
  const out: NatListing = { chains: new Set(), jumps: [] }
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith(`-N ${NAT_CHAIN_PREFIX}`)) out.chains.add(line.slice(3))
    const m = /^-A (POSTROUTING .* -j (PODCTL-[0-9a-f]+))$/.exec(line)
    if (m === null) continue
    const comment = /--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line)
    const text = (comment?.[1]?.replace(/\\(.)/g, '$1') ?? comment?.[2] ?? '')
    const who = /^podctl network (\S+)(?: file (.+))?$/.exec(text)
    const jump: NatJump = { chain: m[2]!, source: /-s (\S+)/.exec(line)?.[1] ?? '', spec: m[1]! }
    if (who !== null) jump.network = who[1]!
    if (who?.[2] !== undefined) jump.file = who[2]
    out.jumps.push(jump)
  }
  return out
}
