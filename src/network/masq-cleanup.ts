import { createHash } from 'node:crypto'

import { errorMessage, PodctlError } from '../errors.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'
import type { NetworkConfig } from './cni-config.js'
import { parseCidr } from './cidr.js'
import { subnetsOf } from './network-info.js'

const IPTABLES_TIMEOUT_MS = 30_000

export type IpFamily = 4 | 6

// The bridge plugin's ipMasq names (plugins 1.x utils): chain "CNI-" + the first 24 hex
// chars of sha512(network name + container ID), rule comment `name: "<net>" id: "<id>"`.
export function masqueradeChain (network: string, containerId: string): string {
  return `CNI-${createHash('sha512').update(network + containerId).digest('hex').slice(0, 24)}`
}

export function masqueradeComment (network: string, containerId: string): string {
  return `name: "${network}" id: "${containerId}"`
}

// True for a network whose main plugin sets up a masquerade chain per container.
export function masqueradesFor (net: NetworkConfig): boolean {
  const main = net.plugins[0]
  return main?.type === 'bridge' && main['ipMasq'] === true
}

// The bridge plugin tears its chain down only when DEL still finds the container's link
// (it reads the addresses from it): a netns already gone, a link deleted by an earlier DEL
// that died before its iptables part, or an ADD that lost a race with DEL leave the rule
// and chain behind. So every teardown calls this after DEL. It finds the rule by chain
// name (no cached addresses needed) and removes rule and chain; "already gone" is success.
// The common case (the plugin already removed it) costs one iptables call per family.
// With configUnknown (no config cached at ADD), any bridge network is looked at.
export async function removeMasquerade (net: NetworkConfig, containerId: string, result?: Record<string, unknown>, signal?: AbortSignal, configUnknown = false): Promise<void> {
  if (!masqueradesFor(net) && !(configUnknown && net.plugins[0]?.type === 'bridge')) return
  const chain = masqueradeChain(net.name, containerId)
  for (const family of familiesOf(net, result)) {
    if (!await chainExists(family, chain, signal)) continue
    for (const rule of await postroutingRulesTo(family, chain, signal)) {
      await iptables(family, ['-t', 'nat', '-D', 'POSTROUTING', ...rule], true, signal)
    }
    await iptables(family, ['-t', 'nat', '-F', chain], true, signal)
    await iptables(family, ['-t', 'nat', '-X', chain], true, signal)
  }
}

// A POSTROUTING rule of the bridge plugin: `-s <ip> [-m comment --comment "name: .. id: .."] -j CNI-..`.
export interface MasqueradeRule { source: string, network: string, containerId: string, chain: string }

const RULE = /^-A POSTROUTING -s (\S+) -m comment --comment "name: \\"([^"\\]*)\\" id: \\"([^"\\]*)\\"" -j (CNI-[0-9a-f]{24})$/

// Every POSTROUTING rule in the nat table that carries the bridge plugin's comment.
export async function listMasqueradeRules (family: IpFamily, signal?: AbortSignal): Promise<MasqueradeRule[]> {
  const text = await iptables(family, ['-t', 'nat', '-S', 'POSTROUTING'], false, signal)
  return text.split('\n').flatMap(line => {
    const m = RULE.exec(line.trim())
    return m === null ? [] : [{ source: m[1]!, network: m[2]!, containerId: m[3]!, chain: m[4]! }]
  })
}

function familiesOf (net: NetworkConfig, result?: Record<string, unknown>): IpFamily[] {
  const families = new Set<IpFamily>(subnetsOf(net).map(c => c.family))
  const ips = Array.isArray(result?.['ips']) ? result['ips'] as { address?: unknown }[] : []
  for (const entry of ips) {
    const cidr = typeof entry.address === 'string' ? parseCidr(entry.address) : undefined
    if (cidr !== undefined) families.add(cidr.family)
  }
  if (families.size === 0) families.add(4)
  return [...families].sort()
}

async function chainExists (family: IpFamily, chain: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await iptables(family, ['-t', 'nat', '-S', chain], false, signal)
    return true
  } catch (err) {
    if (isGone(err)) return false
    throw err
  }
}

// The match part of each POSTROUTING rule jumping to chain, ready for -D.
async function postroutingRulesTo (family: IpFamily, chain: string, signal: AbortSignal | undefined): Promise<string[][]> {
  const text = await iptables(family, ['-t', 'nat', '-S', 'POSTROUTING'], false, signal)
  return text.split('\n').flatMap(line => {
    const l = line.trim()
    if (!l.startsWith('-A POSTROUTING ') || !l.endsWith(` -j ${chain}`)) return []
    const source = /-s (\S+)/.exec(l)?.[1]
    const comment = /-m comment --comment "((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\(.)/g, '$1')
    return [[...(source === undefined ? [] : ['-s', source]), ...(comment === undefined ? [] : ['-m', 'comment', '--comment', comment]), '-j', chain]]
  })
}

// iptables-nft and -legacy words for a chain or rule that does not exist (or no longer does).
function isGone (err: unknown): boolean {
  return /No chain\/target\/match|does not exist|doesn't exist|Bad rule|No such file or directory|incompatible, use 'nft' tool/i.test((err as Error).message)
}

// Runs iptables/ip6tables with the xtables lock wait; resolves with stdout. With goneIsOk
// a rule or chain that is already gone counts as success.
async function iptables (family: IpFamily, args: string[], goneIsOk: boolean, signal: AbortSignal | undefined): Promise<string> {
  const cmd = family === 4 ? 'iptables' : 'ip6tables'
  try {
    return (await runProcess(cmd, ['-w', ...args], { timeoutMs: IPTABLES_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })).stdout
  } catch (err) {
    const why = isProcessError(err) ? err.stderr.trim() || err.message : errorMessage(err)
    const e = new PodctlError('NETWORK_FAILED', `${cmd} ${args.join(' ')}: ${why}`, { cause: err })
    if (goneIsOk && isGone(e)) return ''
    throw e
  }
}
