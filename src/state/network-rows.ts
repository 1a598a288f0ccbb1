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

// Records the container's CNI networks in order, on eth0, eth1, …
export function insertContainerNetworks (store: StateStore, containerId: string, networks: readonly string[]): void {
  const insert = cachedStatement(store, 'INSERT INTO container_networks (container_id, network, ifname) VALUES (?, ?, ?)')
  networks.forEach((network, i) => insert.run(containerId, network, `eth${i}`))
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
