import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, isErrorCode, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { addImageName, addRepoDigest, getImage, imageByName, imagesWithManifest, listImages } from '../state/image-rows.js'
import { makeDirs, removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import type { ImageRecord } from '../state/types.js'
import { checkAuthFile, resolveAuthFile } from './auth-file.js'
import { storeImage } from './image-store.js'
import { digestHex, hasLayer } from './layer-store.js'
import { listEntries, manifestDigest, unambiguousInstance } from './manifest-list.js'
import { readLayoutImage } from './oci-layout.js'
import type { ImageReference } from './reference.js'
import { formatReference, pulledName, repository, tagName } from './reference.js'
import { loadRegistriesConf, resolveCandidates } from './registries-conf.js'
import { parsePlatform, skopeoCopy, skopeoInspectRaw } from './skopeo.js'
import { withImageStorageLock } from './storage-lock.js'

export interface PullOptions {
  tlsVerify?: boolean
  authfile?: string
  platform?: string
  // Progress lines ("Trying to pull …", skopeo's copy lines), for stderr.
  progress?: (line: string) => void
}

// `pull NAME`: each candidate of the name in turn (the name itself when it names a registry,
// else its alias, else one per unqualified-search registry), as Podman does; the first that
// copies wins. skopeo fetches into the shared blob store (blobs already there are not
// fetched again); layers are unpacked once each; then the image is recorded.
export async function pullImage (host: Host, raw: string, o: PullOptions = {}): Promise<ImageRecord> {
  const authfile = resolveAuthFile(o.authfile)
  checkAuthFile(authfile)
  parsePlatform(o.platform)
  const opts = { ...o, ...(authfile === undefined ? {} : { authfile }) }
  const candidates = resolveCandidates(raw, loadRegistriesConf())
  const errors: string[] = []
  for (const ref of candidates) {
    o.progress?.(`Trying to pull ${formatReference(ref)}...`)
    try {
      return await pullOne(host, ref, opts)
    } catch (err) {
      if (isErrorCode(err, 'INTERRUPTED') || candidates.length === 1) throw err
      errors.push(errorMessage(err))
    }
  }
  throw new PodctlError('STORAGE_FAILED', `${errors.length} errors occurred while pulling:${errors.map(e => `\n * ${e}`).join('')}`)
}

// A re-pull checks the registry's current manifest, as Podman does, with one `skopeo inspect
// --raw` (a manifest request, no blobs), and when that manifest is the stored image's, only
// records the name: no copy, no layout, no storage lock. Anything else is a full copy, with
// the same inspect run beside it for the digests Podman records (a list's and the instance's).
async function pullOne (host: Host, ref: ImageReference, o: PullOptions): Promise<ImageRecord> {
  const src = `docker://${formatReference(ref)}`
  const remote = { ...(o.tlsVerify === undefined ? {} : { tlsVerify: o.tlsVerify }), ...(o.authfile === undefined ? {} : { authfile: o.authfile }) }
  const inspect = (): Promise<Buffer | undefined> => skopeoInspectRaw(host, src, remote).catch((err: unknown) => {
    if (isErrorCode(err, 'INTERRUPTED')) throw err
    // The copy reports the registry's error in Podman's wording.
    return undefined
  })
  // Asked first: skopeo's start and the registry's answer overlap opening the store.
  const asked = inspect()
  // Handled below on every path that returns; this keeps a throw in between from leaving
  // its rejection (an interrupt) unhandled.
  asked.catch(() => undefined)
  if (hasStoredCandidate(host, ref)) {
    const manifest = await asked
    const current = manifest === undefined ? undefined : recordIfStored(host, ref, manifest, o.platform)
    if (current !== undefined) return current
  }
  return await copyAndStore(host, ref, src, o, asked)
}

function hasStoredCandidate (host: Host, ref: ImageReference): boolean {
  return host.store.read(() => {
    const name = tagName(ref)
    if (name !== undefined) return imageByName(host.store, name) !== undefined
    return listImages(host.store).some(i => i.digest === ref.digest || i.sourceDigest === ref.digest || (i.repoDigests ?? []).includes(`${repository(ref)}@${ref.digest}`))
  })
}

// Whether the image's files are all there (a crash or a manual deletion can leave a row
// whose layers system check reports missing: such an image is pulled again).
function isComplete (host: Host, image: ImageRecord): boolean {
  const layers = image.layers ?? []
  if (layers.length === 0 || image.digest === undefined || image.digest === '') return false
  return fs.existsSync(paths.blob(host.config, image.digest)) && fs.existsSync(paths.blob(host.config, `sha256:${image.id}`)) &&
    layers.every(l => hasLayer(host, digestHex(l.diffId)))
}

interface SourceDigests {
  // The image the registry's manifest names, when podctl can tell without a copy.
  find: (host: Host) => ImageRecord | undefined
  // The repository digests Podman records for it: the manifest's, and a list's own.
  repoDigests: string[]
}

// What the registry's manifest says: an image manifest names its config (the image ID) and
// layers; a list names its instance when exactly one fits the platform (manifest-list.ts).
function readSource (ref: ImageReference, manifest: Buffer, platform: string | undefined): SourceDigests | undefined {
  const top = manifestDigest(manifest)
  const repo = repository(ref)
  if (ref.digest !== undefined && ref.digest !== top) return undefined
  const entries = listEntries(manifest)
  if (entries !== undefined) {
    const instance = unambiguousInstance(entries, parsePlatform(platform))
    if (instance === undefined) return undefined
    return {
      repoDigests: [`${repo}@${top}`, `${repo}@${instance}`],
      find: host => imagesWithManifest(host.store, instance)[0] ?? listImages(host.store).find(i => (i.repoDigests ?? []).includes(`${repo}@${instance}`)),
    }
  }
  const m = parseManifest(manifest)
  if (m === undefined) return undefined
  return {
    repoDigests: [`${repo}@${top}`],
    find: host => {
      const i = getImage(host.store, m.config.slice('sha256:'.length))
      if (i !== undefined && sameLayers(i, m.layers)) return i
      // A Docker schema 2 image is stored converted to OCI (another config digest): it is
      // found by the registry digest its first pull recorded.
      return listImages(host.store).find(x => (x.repoDigests ?? []).some(rd => rd.endsWith(`@${top}`)) && sameLayers(x, m.layers))
    },
  }
}

const DOCKER_V2S2 = 'application/vnd.docker.distribution.manifest.v2+json'

function parseManifest (manifest: Buffer): { mediaType: string, config: string, layers: string[] } | undefined {
  let m: { mediaType?: unknown, config?: { digest?: unknown }, layers?: { digest?: unknown }[] }
  try { m = JSON.parse(manifest.toString('utf8')) as typeof m } catch { return undefined }
  const config = m.config?.digest
  if (typeof config !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(config)) return undefined
  const layers = Array.isArray(m.layers) ? m.layers.map(l => String(l.digest)) : []
  return { mediaType: typeof m.mediaType === 'string' ? m.mediaType : '', config, layers }
}

function sameLayers (i: ImageRecord, layers: readonly string[]): boolean {
  return JSON.stringify((i.layers ?? []).map(l => l.digest)) === JSON.stringify(layers)
}

// The re-pull of an image already stored: the name and repo digests are recorded in one
// transaction that re-reads the row (an rmi deletes the row before it frees any file).
function recordIfStored (host: Host, ref: ImageReference, manifest: Buffer, platform: string | undefined): ImageRecord | undefined {
  const source = readSource(ref, manifest, platform)
  if (source === undefined) return undefined
  const found = host.store.read(() => source.find(host))
  if (found === undefined || !isComplete(host, found)) return undefined
  return host.store.write(() => {
    if (getImage(host.store, found.id) === undefined) return undefined
    addImageName(host.store, found.id, pulledName(ref))
    for (const rd of source.repoDigests) addRepoDigest(host.store, found.id, rd)
    return getImage(host.store, found.id)
  })
}

async function copyAndStore (host: Host, ref: ImageReference, src: string, o: PullOptions, manifest: Promise<Buffer | undefined>): Promise<ImageRecord> {
  const tmpRoot = paths.imageTmp(host.config)
  makeDirs(tmpRoot, 0o700)
  makeDirs(paths.blobs(host.config), 0o700)
  const tmp = fs.mkdtempSync(path.join(tmpRoot, 'pull-'))
  try {
    const [copied, current] = await Promise.allSettled([skopeoCopy(host, src, `oci:${tmp}:pull`, {
      remote: 'src', sharedBlobDir: paths.blobs(host.config),
      ...(o.tlsVerify === undefined ? {} : { tlsVerify: o.tlsVerify }),
      ...(o.authfile === undefined ? {} : { authfile: o.authfile }),
      ...(o.platform === undefined ? {} : { platform: o.platform }),
    }), manifest])
    if (copied.status === 'rejected') throw copied.reason
    if (current.status === 'rejected') throw current.reason
    for (const line of copied.value.split('\n')) if (line.trim() !== '') o.progress?.(line)
    return await withImageStorageLock(host, 'shared', async () => {
      const img = readLayoutImage(host, tmp)
      const digests = repoDigestsOf(ref, img, current.value, o.platform)
      return await storeImage(host, img, [pulledName(ref)], digests.repoDigests, formatReference(ref), digests.source)
    })
  } finally {
    removeTree(tmp)
  }
}

// The registry's digests when its manifest (fetched beside the copy) is the one copied: the
// manifest skopeo wrote can differ (a Docker schema 2 manifest is converted to OCI); else
// (a tag moved meanwhile, or the inspect failed) the digest of the manifest written.
// source: the registry's digest of what was named (Podman's Digest), when known.
function repoDigestsOf (ref: ImageReference, img: { manifestDigest: string, configDigest: string, layers: readonly { digest: string }[] }, manifest: Buffer | undefined, platform: string | undefined): { repoDigests: string[], source?: string } {
  const repo = repository(ref)
  const written = { repoDigests: [`${repo}@${img.manifestDigest}`] }
  if (manifest === undefined) return written
  const top = manifestDigest(manifest)
  const entries = listEntries(manifest)
  if (entries !== undefined) {
    if (entries.some(e => e.digest === img.manifestDigest)) return { repoDigests: [`${repo}@${top}`, `${repo}@${img.manifestDigest}`], source: top }
    const instance = unambiguousInstance(entries, parsePlatform(platform))
    return instance === undefined ? written : { repoDigests: [`${repo}@${top}`, `${repo}@${instance}`], source: top }
  }
  const m = parseManifest(manifest)
  if (m === undefined) return written
  // The manifest copied, or the Docker schema 2 manifest skopeo converted (same layer blobs).
  const layers = img.layers.map(l => l.digest)
  if (JSON.stringify(m.layers) === JSON.stringify(layers) && (m.config === img.configDigest || m.mediaType === DOCKER_V2S2)) return { repoDigests: [`${repo}@${top}`], source: top }
  return written
}
