import { readCachedAttachments } from '../../../src/network/result-cache.js'
import type { StateStore } from '../../../src/state/sqlite-state-store.js'

export interface Duplicate { network: string, ip: string, containers: string[] }

// Samples live IP assignments: a duplicate is one IP on one network held at the same
// moment by two containers that both have rows and are not being removed. The cache is
// read before the rows, so a container whose DEL released the IP is already 'removing'.
export async function sampleDuplicateIps (cacheDir: string, store: StateStore): Promise<Duplicate[]> {
  const entries = await readCachedAttachments(cacheDir, () => true)
  const live = new Set(store.read(() => (store.db.prepare("SELECT id FROM containers WHERE state <> 'removing'").all() as { id: string }[]).map(r => r.id)))
  const holders = new Map<string, Set<string>>()
  for (const e of entries) {
    if (!live.has(e.containerId)) continue
    const ips = Array.isArray(e.result['ips']) ? e.result['ips'] as { address?: unknown }[] : []
    for (const i of ips) {
      if (typeof i.address !== 'string') continue
      const key = `${e.networkName} ${i.address.split('/')[0]!}`
      holders.set(key, (holders.get(key) ?? new Set()).add(e.containerId))
    }
  }
  return [...holders].filter(([, ids]) => ids.size > 1).map(([key, ids]) => {
    const [network, ip] = key.split(' ') as [string, string]
    return { network, ip, containers: [...ids].sort() }
  })
}

// Runs sampleDuplicateIps every intervalMs until stop() and collects distinct duplicates.
export function startIpMonitor (cacheDir: string, store: StateStore, intervalMs = 300): { stop: () => Promise<{ samples: number, duplicates: Duplicate[] }> } {
  const seen = new Map<string, Duplicate>()
  let samples = 0
  let running = true
  const loop = (async () => {
    while (running) {
      for (const d of await sampleDuplicateIps(cacheDir, store).catch(() => [])) seen.set(`${d.network} ${d.ip} ${d.containers.join(',')}`, d)
      samples++
      await new Promise(resolve => setTimeout(resolve, intervalMs))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return { samples, duplicates: [...seen.values()] }
    },
  }
}
