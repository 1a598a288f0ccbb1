import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

import { errorMessage, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { writeFileAtomic } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import type { ImageRecord } from '../state/types.js'
import { manifestDigest } from './manifest-list.js'

// skopeo's dir: transport keeps a manifest and config as the source has them (an oci:
// layout takes OCI only, so containers/image converts a Docker schema 2 image on the way
// in, and its config with it: another image ID than Podman's). A dir: layout is
// DIR/manifest.json, DIR/version and DIR/<hex> per blob.

const DIR_VERSION = 'Directory Transport Version: 1.1\n'

interface ManifestBlobs { config: string, layers: string[] }

function blobsOf (manifest: Buffer, what: string): ManifestBlobs {
  let m: { config?: { digest?: unknown }, layers?: { digest?: unknown }[] }
  try { m = JSON.parse(manifest.toString('utf8')) as typeof m } catch (err) {
    throw new PodctlError('STORAGE_FAILED', `${what}: ${errorMessage(err)}`)
  }
  const digests = [m.config?.digest, ...(Array.isArray(m.layers) ? m.layers.map(l => l.digest) : [])]
  if (!digests.every((d): d is string => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d))) throw new PodctlError('STORAGE_FAILED', `${what}: invalid descriptor`)
  return { config: digests[0]!, layers: digests.slice(1) }
}

async function sha256Of (file: string): Promise<string> {
  const h = createHash('sha256')
  await pipeline(fs.createReadStream(file), async (source: AsyncIterable<Buffer>) => { for await (const c of source) h.update(c) })
  return `sha256:${h.digest('hex')}`
}

// Writes data as the blob digest into the shared store unless it is there (atomically).
export async function storeBlob (host: Host, digest: string, data: Buffer): Promise<void> {
  if (manifestDigest(data) !== digest) throw new PodctlError('STORAGE_FAILED', `blob ${digest}: digest mismatch: content has ${manifestDigest(data)}`)
  const file = paths.blob(host.config, digest)
  if (fs.existsSync(file)) return
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  await writeFileAtomic(file, data)
}

// Moves the image in a dir: layout into the shared blob store, each blob checked against its
// digest first; returns the manifest's digest.
export async function importDirLayout (host: Host, dir: string): Promise<string> {
  const manifest = fs.readFileSync(path.join(dir, 'manifest.json'))
  const digest = manifestDigest(manifest)
  const { config, layers } = blobsOf(manifest, `manifest ${digest}`)
  const store = path.join(paths.blobs(host.config), 'sha256')
  fs.mkdirSync(store, { recursive: true, mode: 0o700 })
  for (const d of [config, ...layers]) {
    const hex = d.slice('sha256:'.length)
    const target = path.join(store, hex)
    if (fs.existsSync(target)) continue
    const from = path.join(dir, hex)
    const got = await sha256Of(from)
    if (got !== d) throw new PodctlError('STORAGE_FAILED', `blob ${d}: digest mismatch: content has ${got}`)
    fs.renameSync(from, target)
  }
  await storeBlob(host, digest, manifest)
  return digest
}

// A dir: layout of a stored image for skopeo to read: the manifest as stored, its blobs
// hard-linked from the shared store (copied when a link is not possible).
export function writeDirLayout (host: Host, image: ImageRecord, dir: string): void {
  const manifest = fs.readFileSync(paths.blob(host.config, image.digest!))
  if (manifestDigest(manifest) !== image.digest) throw new PodctlError('STORAGE_FAILED', `manifest blob ${image.digest!} is corrupt`)
  const { config, layers } = blobsOf(manifest, `manifest ${image.digest!}`)
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifest)
  fs.writeFileSync(path.join(dir, 'version'), DIR_VERSION)
  for (const d of new Set([config, ...layers])) {
    const from = paths.blob(host.config, d)
    const to = path.join(dir, d.slice('sha256:'.length))
    try { fs.linkSync(from, to) } catch { fs.copyFileSync(from, to) }
  }
}
