import type { StateStore } from './sqlite-state-store.js'

// IDs of containers recorded as attached to `network` (rows of container_networks).
export function listNetworkUsers (store: StateStore, network: string): string[] {
  const rows = store.db.prepare('SELECT DISTINCT container_id AS id FROM container_networks WHERE network = ? ORDER BY container_id').all(network) as { id: string }[]
  return rows.map(r => r.id)
}
