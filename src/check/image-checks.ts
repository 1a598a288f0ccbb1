import fs from 'node:fs'
import path from 'node:path'

import type { Host } from '../host.js'
import { freeUnusedBlobs } from '../images/image-store.js'
import { removeLayer } from '../images/layer-store.js'
import { withImageStorageLock } from '../images/storage-lock.js'
import { removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import { isLayerUsed, listImages, referencedBlobs } from '../state/image-rows.js'
import type { Problem } from './types.js'

const HEX = /^[a-f0-9]{64}$/

// Every entry, dot files too (half-unpacked layers are .tmp-*); a missing dir is empty.
function listDir (dir: string): string[] {
  try { return fs.readdirSync(dir).sort() } catch { return [] }
}

// Image storage left by a crash or a kill mid-pull or mid-rmi: half-unpacked layers (.tmp-*),
// layers no image or container stacks, short links to nothing, blobs no image references,
// pull scratch dirs; and images whose layers are gone (no safe repair: pull again).
export function findImageStorageProblems (host: Host): Problem[] {
  const out: Problem[] = []
  const layersDir = paths.layers(host.config)
  const locked = (fn: () => void) => async (): Promise<void> => { await withImageStorageLock(host, 'exclusive', async () => { fn() }) }
  for (const name of listDir(layersDir)) {
    if (name === 'l') continue
    const dir = path.join(layersDir, name)
    if (!HEX.test(name)) {
      out.push({ kind: 'orphan-layer', object: dir, detail: `incomplete layer ${dir} (an unpack that did not finish)`, repair: locked(() => removeTree(dir)) })
    } else if (!fs.existsSync(path.join(dir, 'link'))) {
      out.push({ kind: 'orphan-layer', object: dir, detail: `layer ${name} is half removed`, repair: locked(() => removeLayer(host, name)) })
    } else if (!host.store.read(() => isLayerUsed(host.store, name))) {
      out.push({ kind: 'orphan-layer', object: dir, detail: `layer ${name} is used by no image or container`, repair: locked(() => removeLayer(host, name)) })
    }
  }
  const linkDir = paths.layerLinks(host.config)
  for (const name of listDir(linkDir)) {
    const link = path.join(linkDir, name)
    if (fs.existsSync(link)) continue
    out.push({ kind: 'orphan-layer', object: link, detail: `short layer link ${name} points to no layer`, repair: locked(() => fs.rmSync(link, { force: true })) })
  }
  const keep = host.store.read(() => referencedBlobs(host.store))
  const blobDir = path.join(paths.blobs(host.config), 'sha256')
  const unused = listDir(blobDir).filter(hex => !keep.has(`sha256:${hex}`))
  if (unused.length > 0) {
    out.push({ kind: 'orphan-blob', object: blobDir, detail: `${unused.length} blob(s) referenced by no image`, repair: locked(() => { freeUnusedBlobs(host) }) })
  }
  for (const name of listDir(paths.imageTmp(host.config))) {
    const dir = path.join(paths.imageTmp(host.config), name)
    out.push({ kind: 'orphan-layer', object: dir, detail: `pull scratch dir ${dir} left behind`, repair: locked(() => removeTree(dir)) })
  }
  for (const i of host.store.read(() => listImages(host.store))) {
    const missing = (i.layers ?? []).filter(l => !fs.existsSync(path.join(paths.layer(host.config, l.diffId.slice('sha256:'.length)), 'link')))
    if (missing.length > 0) {
      out.push({ kind: 'missing-layer', object: i.id, detail: `image ${i.name || i.id} lacks ${missing.length} layer(s): ${missing.map(l => l.diffId).join(', ')}`, cannot: 'pull or load the image again' })
    }
  }
  return out
}
