import { PodctlError } from '../errors.js'
import type { ContainerId } from '../ids.js'
import { cachedStatement } from './claims.js'
import { isStringRecord, parseJsonColumn } from './json-column.js'
import type { StateStore } from './sqlite-state-store.js'
import type { VolumeRecord } from './types.js'

interface VolumeRow { name: string, anonymous: number, mountpoint: string, created_at: number, labels: string }

const fromRow = (r: VolumeRow): VolumeRecord => ({
  name: r.name, anonymous: r.anonymous === 1, mountpoint: r.mountpoint, createdAt: r.created_at,
  labels: parseJsonColumn(r.labels, 'volumes.labels', isStringRecord, {}),
})

export interface ContainerVolume { containerId: ContainerId, volumeName: string, destination: string }

export function insertVolume (store: StateStore, v: VolumeRecord): void {
  try {
    store.db.prepare('INSERT INTO volumes (name, anonymous, mountpoint, created_at, labels) VALUES (?, ?, ?, ?, ?)')
      .run(v.name, v.anonymous ? 1 : 0, v.mountpoint, v.createdAt, JSON.stringify(v.labels))
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw volumeExists(v.name)
    }
    throw err
  }
}

export function volumeExists (name: string): PodctlError {
  return new PodctlError('NAME_IN_USE', `volume with name ${name} already exists: volume already exists`)
}

export function getVolume (store: StateStore, name: string): VolumeRecord | undefined {
  const r = store.db.prepare('SELECT * FROM volumes WHERE name = ?').get(name) as VolumeRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function noSuchVolume (name: string): PodctlError {
  return new PodctlError('NO_SUCH_VOLUME', `no volume with name "${name}" found: no such volume`)
}

export function resolveVolume (store: StateStore, name: string): VolumeRecord {
  const v = getVolume(store, name)
  if (v === undefined) throw noSuchVolume(name)
  return v
}

export function listVolumes (store: StateStore): VolumeRecord[] {
  return (store.db.prepare('SELECT * FROM volumes ORDER BY created_at, rowid').all() as VolumeRow[]).map(fromRow)
}

export function deleteVolumeRow (store: StateStore, name: string): boolean {
  return store.db.prepare('DELETE FROM volumes WHERE name = ?').run(name).changes === 1
}

export function addContainerVolume (store: StateStore, cv: ContainerVolume): void {
  store.db.prepare('INSERT INTO container_volumes (container_id, volume_name, destination) VALUES (?, ?, ?)').run(cv.containerId, cv.volumeName, cv.destination)
}

interface CvRow { container_id: string, volume_name: string, destination: string }
const cvFromRow = (r: CvRow): ContainerVolume => ({ containerId: r.container_id as ContainerId, volumeName: r.volume_name, destination: r.destination })

export function listContainerVolumes (store: StateStore, containerId: string): ContainerVolume[] {
  return (store.db.prepare('SELECT * FROM container_volumes WHERE container_id = ? ORDER BY destination').all(containerId) as CvRow[]).map(cvFromRow)
}

// IDs of containers that mount the volume.
export function listVolumeUsers (store: StateStore, name: string): string[] {
  return (store.db.prepare('SELECT DISTINCT container_id AS id FROM container_volumes WHERE volume_name = ? ORDER BY container_id').all(name) as { id: string }[]).map(r => r.id)
}

export function hasVolume (store: StateStore, name: string): boolean {
  return cachedStatement(store, 'SELECT 1 FROM volumes WHERE name = ?').get(name) !== undefined
}

// Deletes the volume row unless a container mounts it; returns whether it went.
export function deleteVolumeIfUnused (store: StateStore, name: string): boolean {
  return store.db.prepare('DELETE FROM volumes WHERE name = ? AND NOT EXISTS (SELECT 1 FROM container_volumes WHERE volume_name = ?)').run(name, name).changes === 1
}

export interface VolumeUse { containerId: ContainerId, volumeName: string }

// Every (container, anonymous volume) mount, once per pair.
export function listAnonymousVolumeUses (store: StateStore): VolumeUse[] {
  return store.db.prepare(`SELECT DISTINCT cv.container_id AS containerId, cv.volume_name AS volumeName FROM container_volumes cv
    JOIN volumes ON volumes.name = cv.volume_name WHERE volumes.anonymous = 1`).all() as VolumeUse[]
}
