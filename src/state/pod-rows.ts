import { PodctlError } from '../errors.js'
import type { ContainerId, PodId } from '../ids.js'
import { isFullId, isIdPrefix } from '../ids.js'
import { isObject, isStringArray, isStringRecord, parseJsonColumn } from './json-column.js'
import type { StateStore } from './sqlite-state-store.js'
import type { PodRecord } from './types.js'

interface PodRow {
  id: string, name: string, created_at: number, infra_id: string | null, shared: string
  labels: string, pod_id_file: string | null, config: string
}

function fromRow (r: PodRow): PodRecord {
  return {
    id: r.id as PodId,
    name: r.name,
    createdAt: r.created_at,
    infraId: r.infra_id as ContainerId | null,
    shared: parseJsonColumn(r.shared, 'pods.shared', isStringArray, []),
    labels: parseJsonColumn(r.labels, 'pods.labels', isStringRecord, {}),
    podIdFile: r.pod_id_file,
    config: parseJsonColumn(r.config, 'pods.config', isObject, {}),
  }
}

export function insertPod (store: StateStore, p: PodRecord): void {
  try {
    store.db.prepare(`INSERT INTO pods (id, name, created_at, infra_id, shared, labels, pod_id_file, config)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(p.id, p.name, p.createdAt, p.infraId, JSON.stringify(p.shared),
      JSON.stringify(p.labels), p.podIdFile, JSON.stringify(p.config))
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /pods\.name/.test(String(err))) {
      throw new PodctlError('NAME_IN_USE', `adding pod to state: name "${p.name}" is in use: pod already exists`)
    }
    throw err
  }
}

export function setPodInfra (store: StateStore, podId: PodId, infraId: ContainerId | null): void {
  store.db.prepare('UPDATE pods SET infra_id = ? WHERE id = ?').run(infraId, podId)
}

export function getPod (store: StateStore, id: string): PodRecord | undefined {
  const r = store.db.prepare('SELECT * FROM pods WHERE id = ?').get(id) as PodRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function listPods (store: StateStore): PodRecord[] {
  return (store.db.prepare('SELECT * FROM pods ORDER BY created_at, rowid').all() as PodRow[]).map(fromRow)
}

export function noSuchPod (ref: string): PodctlError {
  return new PodctlError('NO_SUCH_POD', `no pod with name or ID ${ref} found: no such pod`)
}

export function lookupPod (store: StateStore, ref: string): PodRecord | undefined {
  if (ref === '') return undefined
  const byName = store.db.prepare('SELECT * FROM pods WHERE name = ?').get(ref) as PodRow | undefined
  if (byName !== undefined) return fromRow(byName)
  if (isFullId(ref)) return getPod(store, ref)
  if (!isIdPrefix(ref)) return undefined
  const rows = store.db.prepare("SELECT * FROM pods WHERE id >= ? AND id < ? || 'g' LIMIT 2").all(ref, ref) as PodRow[]
  if (rows.length > 1) throw new PodctlError('AMBIGUOUS_ID', `more than one result for pod ID ${ref}: pod already exists`)
  return rows[0] === undefined ? undefined : fromRow(rows[0])
}

export function resolvePod (store: StateStore, ref: string): PodRecord {
  const p = lookupPod(store, ref)
  if (p === undefined) throw noSuchPod(ref)
  return p
}

export function deletePodRow (store: StateStore, id: PodId): boolean {
  return store.db.prepare('DELETE FROM pods WHERE id = ?').run(id).changes === 1
}

// The most recently created pod (`--latest`).
export function latestPod (store: StateStore): PodRecord | undefined {
  const r = store.db.prepare('SELECT * FROM pods ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as PodRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

// Every pod's ID and name, for views that show a container's pod name.
export function listPodNames (store: StateStore): { id: PodId, name: string }[] {
  return store.db.prepare('SELECT id, name FROM pods').all() as { id: PodId, name: string }[]
}
