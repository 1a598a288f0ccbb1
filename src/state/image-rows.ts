import { PodctlError } from '../errors.js'
import type { ImageId } from '../ids.js'
import { isFullId, isIdPrefix } from '../ids.js'
import { cachedStatement } from './claims.js'
import type { StateStore } from './sqlite-state-store.js'
import type { ImageRecord } from './types.js'

interface ImageRow { id: string, name: string, created_at: number, size: number, source: string }

const fromRow = (r: ImageRow): ImageRecord => ({ id: r.id as ImageId, name: r.name, createdAt: r.created_at, size: r.size, source: r.source })

export function insertImage (store: StateStore, i: ImageRecord): void {
  try {
    store.db.prepare('INSERT INTO images (id, name, created_at, size, source) VALUES (?, ?, ?, ?, ?)').run(i.id, i.name, i.createdAt, i.size, i.source)
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new PodctlError('NAME_IN_USE', `image name "${i.name}" is already in use: image already exists`)
    }
    throw err
  }
}

export function getImage (store: StateStore, id: string): ImageRecord | undefined {
  const r = store.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

export function listImages (store: StateStore): ImageRecord[] {
  return (store.db.prepare('SELECT * FROM images ORDER BY created_at, rowid').all() as ImageRow[]).map(fromRow)
}

export function noSuchImage (ref: string): PodctlError {
  return new PodctlError('NO_SUCH_IMAGE', `${ref}: image not known`)
}

// Name (also "name:latest" for a bare name), full ID, then a unique ID prefix.
export function lookupImage (store: StateStore, ref: string): ImageRecord | undefined {
  if (ref === '') return undefined
  const byName = store.db.prepare('SELECT * FROM images WHERE name = ? OR name = ?').get(ref, ref.includes(':') ? ref : `${ref}:latest`) as ImageRow | undefined
  if (byName !== undefined) return fromRow(byName)
  if (isFullId(ref)) return getImage(store, ref)
  if (!isIdPrefix(ref)) return undefined
  const rows = store.db.prepare("SELECT * FROM images WHERE id >= ? AND id < ? || 'g' LIMIT 2").all(ref, ref) as ImageRow[]
  if (rows.length > 1) throw new PodctlError('AMBIGUOUS_ID', `more than one result for image "${ref}": image already exists`)
  return rows[0] === undefined ? undefined : fromRow(rows[0])
}

export function resolveImage (store: StateStore, ref: string): ImageRecord {
  const i = lookupImage(store, ref)
  if (i === undefined) throw noSuchImage(ref)
  return i
}

export function listImageUsers (store: StateStore, id: string): string[] {
  return (store.db.prepare('SELECT id FROM containers WHERE image_id = ? ORDER BY created_at').all(id) as { id: string }[]).map(r => r.id)
}

export function deleteImageRow (store: StateStore, id: string): boolean {
  return store.db.prepare('DELETE FROM images WHERE id = ?').run(id).changes === 1
}

// IDs of containers whose image_id is the image (in the index's order, unlike listImageUsers).
export function containersUsingImage (store: StateStore, id: string): string[] {
  return (store.db.prepare('SELECT id FROM containers WHERE image_id = ?').all(id) as { id: string }[]).map(r => r.id)
}

// Detaches every container from the image row (forced image rm); returns how many.
export function clearImageReference (store: StateStore, id: string): number {
  return store.db.prepare('UPDATE containers SET image_id = NULL WHERE image_id = ?').run(id).changes
}

// Whether a container other than containerId has lowerDir as its rootfs lower layer.
// Runs in every container's storage teardown once its image row is gone.
export function isLowerDirShared (store: StateStore, containerId: string, lowerDir: string): boolean {
  return cachedStatement(store, "SELECT 1 FROM containers WHERE id <> ? AND json_extract(config, '$.lowerDir') = ? LIMIT 1").get(containerId, lowerDir) !== undefined
}
