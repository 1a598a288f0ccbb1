import { createHash } from 'node:crypto'

import { iptables, restoreIptables } from './iptables.js'
import type { IpFamily } from './masq-cleanup.js'

// The portmap plugin's per-container rules (plugins 1.x): a chain CNI-DN-<sha512(network +
// container ID), cut to 28 chars> holding the DNAT (and hairpin SETMARK) rules, entered
// from CNI-HOSTPORT-DNAT by rules commented `dnat name: "<net>" id: "<id>"`. The chains
// CNI-HOSTPORT-DNAT/-SETMARK/-MASQ and their jumps are shared by every CNI user and
// carry nothing per container, so nothing here touches them.
export const PORTMAP_CHAIN_PREFIX = 'CNI-DN-'
export const PORTMAP_ENTRY_CHAIN = 'CNI-HOSTPORT-DNAT'

export function portmapChain (network: string, containerId: string): string {
  return (PORTMAP_CHAIN_PREFIX + createHash('sha512').update(network + containerId).digest('hex')).slice(0, 28)
}

// A rule that jumps to a CNI-DN- chain; network and containerId come from portmap's comment.
export interface PortmapEntry { from: string, network?: string, containerId?: string, spec: string }

// One CNI-DN- chain as listed: the rules entering it, the sources its own rules match
// (portmap's hairpin rule names the container's subnet) and its DNAT destinations.
export interface PortmapChain { name: string, entries: PortmapEntry[], sources: string[], destinations: string[] }

const COMMENT = /--comment "dnat name: \\"([^"\\]*)\\" id: \\"([^"\\]*)\\""/

// Every CNI-DN- chain of the nat table (one `iptables -S`), in listing order.
export async function listPortmapChains (family: IpFamily, signal?: AbortSignal): Promise<PortmapChain[]> {
  return parsePortmapListing(await iptables(family, ['-t', 'nat', '-S'], signal))
}

export function parsePortmapListing (text: string): PortmapChain[] {
  const chains = new Map<string, PortmapChain>()
  const chain = (name: string): PortmapChain => {
    let c = chains.get(name)
    if (c === undefined) chains.set(name, c = { name, entries: [], sources: [], destinations: [] })
    return c
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith(`-N ${PORTMAP_CHAIN_PREFIX}`)) { chain(line.slice(3)); continue }
    const jump = /^-A (\S+) (.* )?-j (CNI-DN-[0-9a-f]+)$/.exec(line)
    if (jump !== null) {
      const m = COMMENT.exec(line)
      chain(jump[3]!).entries.push({ from: jump[1]!, spec: line.slice(3), ...(m === null ? {} : { network: m[1]!, containerId: m[2]! }) })
      continue
    }
    const own = /^-A (CNI-DN-[0-9a-f]+) /.exec(line)
    if (own === null) continue
    const c = chain(own[1]!)
    const source = /(?:^| )-s (\S+)/.exec(line.slice(own[0].length - 1))?.[1]
    if (source !== undefined && !c.sources.includes(source)) c.sources.push(source)
    const to = /--to-destination (\S+)/.exec(line)?.[1]
    if (to !== undefined) c.destinations.push(to)
  }
  return [...chains.values()]
}

// The address of a DNAT destination: 10.1.2.3:80 → 10.1.2.3, [fd00::2]:80 → fd00::2.
export function destinationAddress (to: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(to)
  return v6 !== null ? v6[1]! : to.replace(/:\d+(-\d+)?$/, '')
}

// Removes the chain and every rule jumping to it in one transaction, from a fresh listing;
// a chain already gone is success.
export async function removePortmapChain (family: IpFamily, name: string, signal?: AbortSignal): Promise<void> {
  const found = (await listPortmapChains(family, signal)).find(c => c.name === name)
  if (found === undefined) return
  const lines = ['*nat', ...found.entries.map(e => `-D ${e.spec}`), `-F ${name}`, `-X ${name}`, 'COMMIT']
  try {
    await restoreIptables(family, lines, signal)
  } catch (err) {
    // Another teardown (portmap's own DEL, a second check) may have won the race.
    if ((await listPortmapChains(family, signal)).some(c => c.name === name)) throw err
  }
}
