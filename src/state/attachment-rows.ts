import type { StateStore } from './sqlite-state-store.js'

// The netns path recorded in the container's row: null when it has none, undefined when
// there is no row.
export function netnsPathOf (store: StateStore, containerId: string): string | null | undefined {
  const row = store.db.prepare('SELECT netns_path AS p FROM containers WHERE id = ?').get(containerId) as { p: string | null } | undefined
  return row?.p
}

export interface ContainerAttachment { network: string, ifname: string }

// The container's recorded network attachments (container_networks rows), by ifname.
export function listContainerAttachments (store: StateStore, containerId: string): ContainerAttachment[] {
  return store.db.prepare('SELECT network, ifname FROM container_networks WHERE container_id = ? ORDER BY ifname').all(containerId) as ContainerAttachment[]
}
