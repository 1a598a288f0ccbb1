import { PodctlError } from '../errors.js'
import type { ContainerId } from '../ids.js'
import { isFullId, isIdPrefix } from '../ids.js'
import { cachedStatement } from './claims.js'
import { isObject, isStringArray, isStringRecord, parseJsonColumn } from './json-column.js'
import type { StateStore } from './sqlite-state-store.js'
import type { ContainerRecord, DependencyKind, DependencyRecord, NamespaceModes } from './types.js'

interface ContainerRow {
  id: string, name: string, image_id: string | null, pod_id: string | null, is_infra: number
  command: string, state: string, pid: number | null, exit_code: number | null
  created_at: number, started_at: number | null, finished_at: number | null
  stop_signal: string, stop_timeout: number, labels: string, namespaces: string
  cidfile: string | null, auto_remove: number, netns_path: string | null, config: string
  owner_pid: number | null, owner_start: string | null, removing_since: number | null
}

function fromRow (r: ContainerRow): ContainerRecord {
  return {
    id: r.id as ContainerId,
    name: r.name,
    imageId: r.image_id as ContainerRecord['imageId'],
    podId: r.pod_id as ContainerRecord['podId'],
    isInfra: r.is_infra === 1,
    command: parseJsonColumn(r.command, 'containers.command', isStringArray, []),
    state: r.state as ContainerRecord['state'],
    pid: r.pid,
    exitCode: r.exit_code,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    stopSignal: r.stop_signal,
    stopTimeout: r.stop_timeout,
    labels: parseJsonColumn(r.labels, 'containers.labels', isStringRecord, {}),
    namespaces: parseJsonColumn(r.namespaces, 'containers.namespaces', isStringRecord, {}) as NamespaceModes,
    cidfile: r.cidfile,
    autoRemove: r.auto_remove === 1,
    netnsPath: r.netns_path,
    config: parseJsonColumn(r.config, 'containers.config', isObject, {}),
    ownerPid: r.owner_pid,
    ownerStart: r.owner_start,
    removingSince: r.removing_since,
  }
}

function toRow (c: ContainerRecord): ContainerRow {
  return {
    id: c.id, name: c.name, image_id: c.imageId, pod_id: c.podId, is_infra: c.isInfra ? 1 : 0,
    command: JSON.stringify(c.command), state: c.state, pid: c.pid, exit_code: c.exitCode,
    created_at: c.createdAt, started_at: c.startedAt, finished_at: c.finishedAt,
    stop_signal: c.stopSignal, stop_timeout: c.stopTimeout, labels: JSON.stringify(c.labels),
    namespaces: JSON.stringify(c.namespaces), cidfile: c.cidfile, auto_remove: c.autoRemove ? 1 : 0,
    netns_path: c.netnsPath, config: JSON.stringify(c.config), owner_pid: c.ownerPid,
    owner_start: c.ownerStart, removing_since: c.removingSince,
  }
}

const COLUMNS = Object.keys(toRow({} as ContainerRecord))

export function insertContainer (store: StateStore, c: ContainerRecord): void {
  const sql = `INSERT INTO containers (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(k => '@' + k).join(', ')})`
  try {
    store.db.prepare(sql).run(toRow(c))
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /containers\.name/.test(String(err))) {
      const other = findContainerByName(store, c.name)
      throw new PodctlError('NAME_IN_USE', `the container name "${c.name}" is already in use by ${other?.id ?? 'another container'}. You have to remove that container to be able to reuse that name: that name is already in use`)
    }
    throw err
  }
}

// Updates the given fields of one container; returns false when the row is gone.
export function updateContainer (store: StateStore, id: ContainerId, patch: Partial<ContainerRecord>): boolean {
  const current = getContainer(store, id)
  if (current === undefined) return false
  const full = toRow({ ...current, ...patch }) as unknown as Record<string, unknown>
  const keys = Object.keys(patch).map(camelToSnake)
  for (const k of keys) if (!COLUMNS.includes(k) || k === 'id') throw new Error(`Assertion failed: unknown container column ${k}`)
  if (keys.length === 0) return true
  const params: Record<string, unknown> = { id }
  for (const k of keys) params[k] = full[k]
  const info = store.db.prepare(`UPDATE containers SET ${keys.map(k => `${k} = @${k}`).join(', ')} WHERE id = @id`).run(params)
  return info.changes === 1
}

function camelToSnake (k: string): string {
  return k.replace(/[A-Z]/g, m => '_' + m.toLowerCase())
}

export function getContainer (store: StateStore, id: string): ContainerRecord | undefined {
  const r = store.db.prepare('SELECT * FROM containers WHERE id = ?').get(id) as ContainerRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function findContainerByName (store: StateStore, name: string): ContainerRecord | undefined {
  const r = store.db.prepare('SELECT * FROM containers WHERE name = ?').get(name) as ContainerRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function listContainers (store: StateStore): ContainerRecord[] {
  return (store.db.prepare('SELECT * FROM containers ORDER BY created_at, rowid').all() as ContainerRow[]).map(fromRow)
}

export function listPodContainers (store: StateStore, podId: string): ContainerRecord[] {
  return (store.db.prepare('SELECT * FROM containers WHERE pod_id = ? ORDER BY created_at, rowid').all(podId) as ContainerRow[]).map(fromRow)
}

export function noSuchContainer (ref: string): PodctlError {
  return new PodctlError('NO_SUCH_CONTAINER', `no container with name or ID "${ref}" found: no such container`)
}

// Podman's lookup order: exact name, full ID, then a unique ID prefix.
export function resolveContainer (store: StateStore, ref: string): ContainerRecord {
  const found = lookupContainer(store, ref)
  if (found === undefined) throw noSuchContainer(ref)
  return found
}

export function lookupContainer (store: StateStore, ref: string): ContainerRecord | undefined {
  if (ref === '') return undefined
  const byName = findContainerByName(store, ref)
  if (byName !== undefined) return byName
  if (isFullId(ref)) return getContainer(store, ref)
  if (!isIdPrefix(ref)) return undefined
  const rows = store.db.prepare("SELECT * FROM containers WHERE id >= ? AND id < ? || 'g' LIMIT 2").all(ref, ref) as ContainerRow[]
  if (rows.length > 1) {
    throw new PodctlError('AMBIGUOUS_ID', `more than one result for container "${ref}": container already exists`)
  }
  return rows[0] === undefined ? undefined : fromRow(rows[0])
}

export function deleteContainerRow (store: StateStore, id: ContainerId): boolean {
  return store.db.prepare('DELETE FROM containers WHERE id = ?').run(id).changes === 1
}

// Records that dep.containerId depends on dep.dependsOn; call inside the transaction that
// inserts the dependent. Refuses a dependency that is gone or being removed: a removal
// claims in its own transaction and refuses while dependents exist, so one of the two
// always sees the other (no row ever points at a deleted container).
export function addDependency (store: StateStore, dep: DependencyRecord): void {
  const target = store.db.prepare('SELECT state FROM containers WHERE id = ?').get(dep.dependsOn) as { state: string } | undefined
  if (target === undefined) throw new PodctlError('NO_SUCH_CONTAINER', `container ${dep.dependsOn} was removed while container ${dep.containerId} was being created: no such container`)
  if (target.state === 'removing') throw new PodctlError('CONTAINER_STATE_IMPROPER', `container ${dep.dependsOn} is being removed: container state improper`)
  store.db.prepare('INSERT OR IGNORE INTO container_deps (container_id, depends_on, kind) VALUES (?, ?, ?)').run(dep.containerId, dep.dependsOn, dep.kind)
}

interface DepRow { container_id: string, depends_on: string, kind: string }
const depFromRow = (r: DepRow): DependencyRecord => ({ containerId: r.container_id as ContainerId, dependsOn: r.depends_on as ContainerId, kind: r.kind as DependencyKind })

export function listDependencies (store: StateStore): DependencyRecord[] {
  return (store.db.prepare('SELECT * FROM container_deps').all() as DepRow[]).map(depFromRow)
}

// Containers that depend on id (they must go first).
export function listDependents (store: StateStore, id: ContainerId): DependencyRecord[] {
  return (store.db.prepare('SELECT * FROM container_deps WHERE depends_on = ?').all(id) as DepRow[]).map(depFromRow)
}

export function listDependenciesOf (store: StateStore, id: ContainerId): DependencyRecord[] {
  return (store.db.prepare('SELECT * FROM container_deps WHERE container_id = ?').all(id) as DepRow[]).map(depFromRow)
}

// The most recently created container (`--latest`).
export function latestContainer (store: StateStore): ContainerRecord | undefined {
  const r = store.db.prepare('SELECT * FROM containers ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as ContainerRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function hasContainer (store: StateStore, id: string): boolean {
  return store.db.prepare('SELECT 1 FROM containers WHERE id = ?').get(id) !== undefined
}

// A name is taken when a container or a pod has it (they share one namespace, as in Podman).
export function isNameTaken (store: StateStore, name: string): boolean {
  return cachedStatement(store, 'SELECT 1 FROM containers WHERE name = ? UNION SELECT 1 FROM pods WHERE name = ?').get(name, name) !== undefined
}

// --rm containers that ran and exited (a created, never started one is not listed).
export function exitedAutoRemoveIds (store: StateStore): ContainerId[] {
  const rows = cachedStatement(store, "SELECT id FROM containers WHERE auto_remove = 1 AND state IN ('exited', 'stopped') AND started_at IS NOT NULL").all() as { id: ContainerId }[]
  return rows.map(r => r.id)
}
