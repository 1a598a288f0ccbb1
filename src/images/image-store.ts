import fs from 'node:fs'
import path from 'node:path'

import type { Host } from '../host.js'
import type { ImageId } from '../ids.js'
import { removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import { addImageName, addRepoDigest, getImage, insertImage, isLayerUsed, listImages, referencedBlobs } from '../state/image-rows.js'
import type { ImageLayer, ImageRecord } from '../state/types.js'
import { crashPoint } from './crash-points.js'
import { withImageStorageLock } from './storage-lock.js'
import { digestHex, ensureLayer, layerSize, removeLayer } from './layer-store.js'
import type { PulledImage } from './oci-layout.js'

// OCI image records: the row (ID = config digest) comes after every layer is in place;
// names and repo digests are added to an image already present.

function createdOf (config: Record<string, unknown>): number {
  const c = config['created']
  const t = typeof c === 'string' ? Date.parse(c) : NaN
  return Number.isFinite(t) ? t : Date.now()
}

// Unpacks the layers (each once) and records the image under names, with repoDigests.
// sourceDigest: the registry's digest of what was pulled, when not the stored manifest's.
export async function storeImage (host: Host, img: PulledImage, names: readonly string[], repoDigests: readonly string[], source: string, sourceDigest?: string): Promise<ImageRecord> {
  const layers: ImageLayer[] = []
  for (const l of img.layers) {
    const hex = await ensureLayer(host, { digest: l.digest, diffId: l.diffId, file: paths.blob(host.config, l.digest) })
    layers.push({ ...l, size: layerSize(host, hex) })
  }
  const id = digestHex(img.configDigest) as ImageId
  crashPoint('layer-stored')
  return host.store.write(() => {
    if (getImage(host.store, id) === undefined) {
      insertImage(host.store, {
        id, name: '', names: [], createdAt: createdOf(img.config), size: layers.reduce((s, l) => s + l.size, 0), source,
        digest: img.manifestDigest, ...(sourceDigest === undefined || sourceDigest === img.manifestDigest ? {} : { sourceDigest }), repoDigests: [], layers, config: img.config,
      })
    }
    for (const n of names) addImageName(host.store, id, n)
    for (const rd of repoDigests) addRepoDigest(host.store, id, rd)
    return getImage(host.store, id)!
  })
}

// Frees the layers of removed images that no image or container stacks any more, and the
// blobs no image references. Call with the image storage lock held exclusively.
// exceptContainer: a container being torn down, whose row is still there.
export function freeUnusedLayers (host: Host, candidates: readonly string[], exceptContainer = ''): string[] {
  const freed: string[] = []
  for (const hex of new Set(candidates)) {
    if (host.store.read(() => isLayerUsed(host.store, hex, exceptContainer))) continue
    removeLayer(host, hex)
    freed.push(hex)
  }
  return freed
}

export function freeUnusedBlobs (host: Host): number {
  const keep = host.store.read(() => referencedBlobs(host.store))
  const dir = path.join(paths.blobs(host.config), 'sha256')
  let names: string[]
  try { names = fs.readdirSync(dir) } catch { return 0 }
  let n = 0
  for (const hex of names) {
    if (keep.has(`sha256:${hex}`)) continue
    removeTree(path.join(dir, hex))
    n++
  }
  return n
}

// Drops the blobs given that no image record references (a manifest of an image stored
// already under another manifest: its ID is the config's digest; skopeo's converted pair).
// Takes the image storage lock exclusively.
export async function dropUnreferencedBlobs (host: Host, digests: readonly (string | undefined)[]): Promise<void> {
  await withImageStorageLock(host, 'exclusive', async () => {
    const keep = host.store.read(() => referencedBlobs(host.store))
    for (const d of new Set(digests)) {
      if (d === undefined || keep.has(d) || !/^sha256:[a-f0-9]{64}$/.test(d)) continue
      fs.rmSync(paths.blob(host.config, d), { force: true })
    }
  })
}

// The config and layer digests a stored manifest blob names ([] when it is not readable).
export function blobsOfManifest (host: Host, digest: string): string[] {
  try {
    const m = JSON.parse(fs.readFileSync(paths.blob(host.config, digest), 'utf8')) as { config?: { digest?: unknown }, layers?: { digest?: unknown }[] }
    return [m.config?.digest, ...(Array.isArray(m.layers) ? m.layers.map(l => l.digest) : [])].filter((d): d is string => typeof d === 'string')
  } catch {
    return []
  }
}

// Every layer dir on disk (complete or not), for system check.
export function layerDirs (host: Host): string[] {
  try { return fs.readdirSync(paths.layers(host.config)).filter(n => n !== 'l') } catch { return [] }
}

export function imagesUsingLayer (host: Host, hex: string): ImageRecord[] {
  return listImages(host.store).filter(i => (i.layers ?? []).some(l => l.diffId === `sha256:${hex}`))
}
