import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { paths } from '../storage/paths.js'
import type { ImageLayer } from '../state/types.js'
import { digestHex } from './layer-store.js'

// Reading what skopeo wrote to an oci: layout whose blobs live in the shared blob store, and
// stored manifests (OCI or Docker schema 2).
// Every blob read is checked against its digest.

export interface PulledImage {
  manifestDigest: string
  configDigest: string
  config: Record<string, unknown>
  layers: ImageLayer[]
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_V2S2 = 'application/vnd.docker.distribution.manifest.v2+json'
// An image manifest podctl stores as it came: OCI, or Docker schema 2 (Podman keeps both).
const IMAGE_MANIFESTS = new Set([OCI_MANIFEST, DOCKER_V2S2])

function bad (what: string, msg: string): PodctlError {
  return new PodctlError('STORAGE_FAILED', `${what}: ${msg}`)
}

// A blob's bytes, verified: a mismatch is an error naming both digests.
export function readBlob (host: Host, digest: string, dir = paths.blobs(host.config)): Buffer {
  const hex = digestHex(digest)
  let data: Buffer
  try {
    data = fs.readFileSync(path.join(dir, 'sha256', hex))
  } catch (err) {
    throw bad(`reading blob ${digest}`, errorMessage(err))
  }
  const got = createHash('sha256').update(data).digest('hex')
  if (got !== hex) throw bad(`blob ${digest}`, `digest mismatch: content has sha256:${got}`)
  return data
}

function json (data: Buffer, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(data.toString('utf8'))
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
  } catch { /* below */ }
  throw bad(what, 'not a JSON object')
}

type Descriptor = { mediaType: string, digest: string, size: number }

function descriptor (v: unknown, what: string): Descriptor {
  const d = v as Partial<Descriptor> | null
  if (typeof d !== 'object' || d === null || typeof d.digest !== 'string' || typeof d.mediaType !== 'string') throw bad(what, 'invalid descriptor')
  digestHex(d.digest)
  return { mediaType: d.mediaType, digest: d.digest, size: typeof d.size === 'number' ? d.size : 0 }
}

// The image in an oci: layout dir (index.json naming one manifest), blobs from blobDir.
export function readLayoutImage (host: Host, layoutDir: string, blobDir = paths.blobs(host.config)): PulledImage {
  const index = json(fs.readFileSync(path.join(layoutDir, 'index.json')), 'index.json')
  const manifests = index['manifests']
  if (!Array.isArray(manifests) || manifests.length === 0) throw bad('index.json', 'no manifest')
  return readManifestImage(host, descriptor(manifests[0], 'index.json').digest, blobDir)
}

export function readManifestImage (host: Host, manifestDigest: string, blobDir = paths.blobs(host.config)): PulledImage {
  const manifest = json(readBlob(host, manifestDigest, blobDir), `manifest ${manifestDigest}`)
  if (manifest['mediaType'] !== undefined && !IMAGE_MANIFESTS.has(String(manifest['mediaType']))) throw bad(`manifest ${manifestDigest}`, `unsupported media type ${String(manifest['mediaType'])}`)
  const cfgDesc = descriptor(manifest['config'], `manifest ${manifestDigest} config`)
  const config = json(readBlob(host, cfgDesc.digest, blobDir), `config ${cfgDesc.digest}`)
  const layerDescs = Array.isArray(manifest['layers']) ? manifest['layers'].map((l, i) => descriptor(l, `manifest ${manifestDigest} layer ${i}`)) : []
  const rootfs = config['rootfs'] as { diff_ids?: unknown } | undefined
  const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : []
  if (diffIds.length !== layerDescs.length || !diffIds.every((d): d is string => typeof d === 'string')) {
    throw bad(`config ${cfgDesc.digest}`, `${diffIds.length} diff IDs for ${layerDescs.length} layers`)
  }
  const layers = layerDescs.map((l, i) => {
    digestHex(diffIds[i]!)
    return { diffId: diffIds[i]!, digest: l.digest, mediaType: l.mediaType, size: 0 }
  })
  return { manifestDigest, configDigest: cfgDesc.digest, config, layers }
}
