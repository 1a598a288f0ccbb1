import { cachedStatement } from './claims.js'
import type { StateStore } from './sqlite-state-store.js'

// IDs of containers recorded as attached to `network` (rows of container_networks).
export function listNetworkUsers (store: StateStore, network: string): string[] {
  const rows = store.db.prepare('SELECT DISTINCT container_id AS id FROM container_networks WHERE network = ? ORDER BY container_id').all(network) as { id: string }[]
  return rows.map(r => r.id)
}

// Every container's attached networks (container ID → network names, sorted).
export function listContainerNetworks (store: StateStore): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const r of store.db.prepare('SELECT container_id AS c, network AS n FROM container_networks ORDER BY network').all() as { c: string, n: string }[]) {
    out.set(r.c, [...(out.get(r.c) ?? []), r.n])
  }
  return out
}

// Records the container's CNI networks in order, on eth0, eth1, …, each with the static
// IP asked for, if any.
export function insertContainerNetworks (store: StateStore, containerId: string, networks: readonly (string | { name: string, staticIp?: string | undefined })[]): void {
  const insert = cachedStatement(store, 'INSERT INTO container_networks (container_id, network, ifname, static_ip) VALUES (?, ?, ?, ?)')
  networks.forEach((n, i) => typeof n === 'string' ? insert.run(containerId, n, `eth${i}`, null) : insert.run(containerId, n.name, `eth${i}`, n.staticIp ?? null))
}

export interface ContainerNetworkRow { network: string, ifname: string, staticIp: string | null }

// One container's attachments, by interface name: what start attaches.
export function listContainerNetworkRows (store: StateStore, containerId: string): ContainerNetworkRow[] {
  return cachedStatement(store, 'SELECT network, ifname, static_ip AS staticIp FROM container_networks WHERE container_id = ? ORDER BY ifname').all(containerId) as ContainerNetworkRow[]
}

// Stores the CNI result of one attachment (as JSON); returns whether the row exists.
export function saveAttachmentResult (store: StateStore, containerId: string, network: string, result: unknown): boolean {
  return cachedStatement(store, 'UPDATE container_networks SET result = ? WHERE container_id = ? AND network = ?').run(JSON.stringify(result), containerId, network).changes === 1
}

// The stored CNI results of one container's attachments, in interface order (JSON from
// disk: anything unparsable is skipped as no result).
export function listAttachmentResults (store: StateStore, containerId: string): { network: string, result: Record<string, unknown> }[] {
  const rows = cachedStatement(store, 'SELECT network, result FROM container_networks WHERE container_id = ? AND result IS NOT NULL ORDER BY ifname').all(containerId) as { network: string, result: string }[]
  return rows.flatMap(r => {
    try {
      const v = JSON.parse(r.result) as unknown
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? [{ network: r.network, result: v as Record<string, unknown> }] : []
    } catch {
      return []
    }
  })
}

export interface ContainerNetworkResult { network: string, ifname: string, result: Record<string, unknown> | null }

// One container's attachments with the CNI result recorded at its last start, by ifname.
export function listContainerNetworkResults (store: StateStore, containerId: string): ContainerNetworkResult[] {
  const rows = cachedStatement(store, 'SELECT network, ifname, result FROM container_networks WHERE container_id = ? ORDER BY ifname').all(containerId) as { network: string, ifname: string, result: string | null }[]
  return rows.map(r => {
    let result: Record<string, unknown> | null = null
    try { result = r.result === null ? null : JSON.parse(r.result) as Record<string, unknown> } catch { /* unreadable: shown empty */ }
    return { network: r.network, ifname: r.ifname, result }
  })
}
