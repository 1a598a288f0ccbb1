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
