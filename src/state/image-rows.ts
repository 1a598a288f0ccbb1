import { PodctlError } from '../errors.js'
import type { ImageId } from '../ids.js'
import { isFullId, isIdPrefix } from '../ids.js'
import { cachedStatement } from './claims.js'
import { isObject, isStringArray, parseJsonColumn } from './json-column.js'
import type { StateStore } from './sqlite-state-store.js'
import type { ImageLayer, ImageRecord } from './types.js'

interface ImageRow { id: string, created_at: number, size: number, source: string, digest: string, source_digest: string, names_history: string, repo_digests: string, layers: string, config: string, names: string | null }

const isLayers = (v: unknown): v is ImageLayer[] => Array.isArray(v) && v.every(l => isObject(l) && typeof l['diffId'] === 'string' && typeof l['digest'] === 'string')

// Names in the order they were added, as one column (the unit separator cannot be in a name).
const SELECT = "SELECT i.*, (SELECT group_concat(name, char(31)) FROM (SELECT name FROM image_names n WHERE n.image_id = i.id ORDER BY added_at, rowid)) AS names FROM images i"

function fromRow (r: ImageRow): ImageRecord {
  const names = r.names === null || r.names === '' ? [] : r.names.split('\x1f')
  return {
    id: r.id as ImageId, name: names[0] ?? '', names, createdAt: r.created_at, size: r.size, source: r.source, digest: r.digest,
    ...(r.source_digest === '' ? {} : { sourceDigest: r.source_digest }),
    namesHistory: parseJsonColumn(r.names_history, 'images.names_history', isStringArray, []),
    repoDigests: parseJsonColumn(r.repo_digests, 'images.repo_digests', isStringArray, []),
    layers: parseJsonColumn(r.layers, 'images.layers', isLayers, []),
    config: parseJsonColumn(r.config, 'images.config', isObject, {}),
  }
}

function nameInUse (name: string): PodctlError {
  return new PodctlError('NAME_IN_USE', `image name "${name}" is already in use: image already exists`)
}

// Inserts the image row and its names (name, or names when given); a taken name is an error.
export function insertImage (store: StateStore, i: ImageRecord): void {
  store.db.prepare('INSERT INTO images (id, created_at, size, source, digest, source_digest, repo_digests, layers, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(i.id, i.createdAt, i.size, i.source, i.digest ?? '', i.sourceDigest ?? '', JSON.stringify(i.repoDigests ?? []), JSON.stringify(i.layers ?? []), JSON.stringify(i.config ?? {}))
  for (const n of i.names ?? (i.name === '' ? [] : [i.name])) {
    try {
      addImageName(store, i.id, n, false)
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw nameInUse(n)
      throw err
    }
  }
}

// Gives the image a name. move: a name another image has moves here (pull, tag, load: the
// other image keeps its other names, or is left dangling). Returns whether anything changed.
export function addImageName (store: StateStore, imageId: string, name: string, move = true): boolean {
  if (move) {
    const owner = store.db.prepare('SELECT image_id FROM image_names WHERE name = ?').get(name) as { image_id: string } | undefined
    if (owner?.image_id === imageId) return false
    if (owner !== undefined) store.db.prepare('DELETE FROM image_names WHERE name = ?').run(name)
  }
  store.db.prepare('INSERT INTO image_names (name, image_id, added_at) VALUES (?, ?, ?)').run(name, imageId, Date.now())
  addToNamesHistory(store, imageId, name)
  return true
}

// The name goes first in the image's names history, once (c/storage's addNameToHistory).
function addToNamesHistory (store: StateStore, imageId: string, name: string): void {
  const r = store.db.prepare('SELECT names_history FROM images WHERE id = ?').get(imageId) as { names_history: string } | undefined
  if (r === undefined) return
  const old = parseJsonColumn(r.names_history, 'images.names_history', isStringArray, [])
  store.db.prepare('UPDATE images SET names_history = ? WHERE id = ?').run(JSON.stringify([name, ...old.filter(n => n !== name)]), imageId)
}

// Removes one name of the image; whether it had it.
export function removeImageName (store: StateStore, imageId: string, name: string): boolean {
  return store.db.prepare('DELETE FROM image_names WHERE name = ? AND image_id = ?').run(name, imageId).changes === 1
}

export function removeAllImageNames (store: StateStore, imageId: string): number {
  return store.db.prepare('DELETE FROM image_names WHERE image_id = ?').run(imageId).changes
}

// Adds repository@digest to the image's RepoDigests (kept unique, sorted).
export function addRepoDigest (store: StateStore, imageId: string, repoDigest: string): void {
  const i = getImage(store, imageId)
  if (i === undefined) return
  const all = [...new Set([...(i.repoDigests ?? []), repoDigest])].sort()
  store.db.prepare('UPDATE images SET repo_digests = ? WHERE id = ?').run(JSON.stringify(all), imageId)
}

export function getImage (store: StateStore, id: string): ImageRecord | undefined {
  const r = store.db.prepare(`${SELECT} WHERE i.id = ?`).get(id) as ImageRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

// The image holding exactly this name (repository:tag), if any.
export function imageByName (store: StateStore, name: string): ImageRecord | undefined {
  const r = store.db.prepare('SELECT image_id FROM image_names WHERE name = ?').get(name) as { image_id: string } | undefined
  return r === undefined ? undefined : getImage(store, r.image_id)
}

// The images whose manifest is this digest (an image's ID is its config's digest, so two
// manifests can name one image; one manifest names one image).
export function imagesWithManifest (store: StateStore, digest: string): ImageRecord[] {
  const rows = store.db.prepare('SELECT id FROM images WHERE digest = ?').all(digest) as { id: string }[]
  return rows.flatMap(r => { const i = getImage(store, r.id); return i === undefined ? [] : [i] })
}

export function listImages (store: StateStore): ImageRecord[] {
  return (store.db.prepare(`${SELECT} ORDER BY i.created_at, i.rowid`).all() as ImageRow[]).map(fromRow)
}

export function noSuchImage (ref: string): PodctlError {
  return new PodctlError('NO_SUCH_IMAGE', `${ref}: image not known`)
}

function byName (store: StateStore, name: string): ImageRecord | undefined {
  const r = store.db.prepare(`${SELECT} WHERE i.id = (SELECT image_id FROM image_names WHERE name = ?)`).get(name) as ImageRow | undefined
  return r === undefined ? undefined : fromRow(r)
}

// The image a user's reference means, as Podman looks up local images: the name as given,
// with :latest added, a short name matching the end of a stored name (…/NAME:TAG, the
// newest first), repository@digest or a digest of RepoDigests, then a full ID or a
// unique ID prefix (also with "sha256:").
export function lookupImage (store: StateStore, ref: string): ImageRecord | undefined {
  if (ref === '') return undefined
  const at = ref.indexOf('@')
  if (at >= 0) {
    const repo = ref.slice(0, at)
    const digest = ref.slice(at + 1)
    const rows = (store.db.prepare(`${SELECT} WHERE i.digest = ? OR EXISTS (SELECT 1 FROM json_each(i.repo_digests) WHERE json_each.value LIKE '%@' || ?) ORDER BY i.created_at DESC`).all(digest, digest) as ImageRow[]).map(fromRow)
    const repoOf = (rd: string): string => rd.slice(0, rd.indexOf('@'))
    return rows.find(i => (i.repoDigests ?? []).some(rd => rd === ref || repoOf(rd).endsWith(`/${repo}`) || repoOf(rd) === repo)) ?? (repo === '' ? rows[0] : undefined)
  }
  const lastSlash = ref.lastIndexOf('/')
  const hasTag = ref.lastIndexOf(':') > lastSlash
  const full = hasTag ? ref : `${ref}:latest`
  const direct = byName(store, ref) ?? byName(store, full)
  if (direct !== undefined) return direct
  const bare = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref
  if (isFullId(bare)) {
    const i = getImage(store, bare)
    if (i !== undefined) return i
  }
  const suffix = store.db.prepare("SELECT image_id FROM image_names WHERE name LIKE '%/' || ? ESCAPE '\\' ORDER BY added_at DESC LIMIT 1").get(full.replace(/[\\%_]/g, c => `\\${c}`)) as { image_id: string } | undefined
  if (suffix !== undefined) return getImage(store, suffix.image_id)
  if (!isIdPrefix(bare)) return undefined
  const rows = store.db.prepare("SELECT id FROM images WHERE id >= ? AND id < ? || 'g' LIMIT 2").all(bare, bare) as { id: string }[]
  if (rows.length > 1) throw new PodctlError('AMBIGUOUS_ID', `more than one result for image "${ref}": image already exists`)
  return rows[0] === undefined ? undefined : getImage(store, rows[0].id)
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

// Whether any image row, or any container other than exceptContainer, stacks the layer
// (diff ID hex): a layer's files go only when this is false.
export function isLayerUsed (store: StateStore, diffHex: string, exceptContainer = ''): boolean {
  const diffId = `sha256:${diffHex}`
  if (cachedStatement(store, "SELECT 1 FROM images, json_each(images.layers) l WHERE json_extract(l.value, '$.diffId') = ? LIMIT 1").get(diffId) !== undefined) return true
  return cachedStatement(store, "SELECT 1 FROM containers, json_each(containers.config, '$.layers') l WHERE containers.id <> ? AND l.value = ? LIMIT 1").get(exceptContainer, diffHex) !== undefined
}

// Every blob digest (manifest, config, layers) some image row references.
export function referencedBlobs (store: StateStore): Set<string> {
  const out = new Set<string>()
  for (const i of listImages(store)) {
    if (i.digest !== undefined && i.digest !== '') out.add(i.digest)
    // The config blob: an OCI image's ID is its digest.
    if ((i.layers ?? []).length > 0) out.add(`sha256:${i.id}`)
    for (const l of i.layers ?? []) out.add(l.digest)
  }
  return out
}
