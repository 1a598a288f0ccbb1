import type { StateStore } from './sqlite-state-store.js'

// Integrity queries of `system check`. Rows are addressed by rowid, as SQLite's
// foreign_key_check reports them, and read column by column: a row with a dangling
// reference may be broken in other ways too, so nothing here parses JSON columns.

export interface ForeignKeyViolation { table: string, rowid: number, parent: string, fkid: number }

// Sorted by table, rowid and key: foreign_key_check walks SQLite's schema hash, whose
// order changes with the schema (a migration that adds a column reordered it).
export function listForeignKeyViolations (store: StateStore): ForeignKeyViolation[] {
  return (store.db.pragma('foreign_key_check') as ForeignKeyViolation[])
    .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0) || a.rowid - b.rowid || a.fkid - b.fkid)
}

// kind is as stored: the table's CHECK constraint may not have held when it was written.
export interface DependencyRow { containerId: string, dependsOn: string, kind: string }

export function getDependencyRow (store: StateStore, rowid: number): DependencyRow | undefined {
  return store.db.prepare('SELECT container_id AS containerId, depends_on AS dependsOn, kind FROM container_deps WHERE rowid = ?').get(rowid) as DependencyRow | undefined
}

export function deleteDependencyRow (store: StateStore, rowid: number): boolean {
  return store.db.prepare('DELETE FROM container_deps WHERE rowid = ?').run(rowid).changes === 1
}

export interface PodInfraRow { id: string, name: string, infraId: string }

export function getPodInfraRow (store: StateStore, rowid: number): PodInfraRow | undefined {
  return store.db.prepare('SELECT id, name, infra_id AS infraId FROM pods WHERE rowid = ?').get(rowid) as PodInfraRow | undefined
}

// Forgets the pod's infra container; returns whether the row exists.
export function clearPodInfra (store: StateStore, rowid: number): boolean {
  return store.db.prepare('UPDATE pods SET infra_id = NULL WHERE rowid = ?').run(rowid).changes === 1
}

export interface ContainerPodRow { id: string, name: string, podId: string | null }

export function getContainerPodRow (store: StateStore, rowid: number): ContainerPodRow | undefined {
  return store.db.prepare('SELECT id, name, pod_id AS podId FROM containers WHERE rowid = ?').get(rowid) as ContainerPodRow | undefined
}
