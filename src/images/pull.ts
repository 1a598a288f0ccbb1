import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, isErrorCode, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { addImageName, addRepoDigest, getImage, imageByName, imagesWithManifest, listImages } from '../state/image-rows.js'
import { makeDirs, removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import type { ImageRecord } from '../state/types.js'
import { checkAuthFile, resolveAuthFile } from './auth-file.js'
import { blobsOfManifest, dropUnreferencedBlobs, storeImage } from './image-store.js'
import { digestHex, hasLayer } from './layer-store.js'
import { listEntries, manifestDigest, unambiguousInstance } from './manifest-list.js'
import { storeBlob } from './dir-layout.js'
import { DOCKER_V2S2, readLayoutImage, readManifestImage } from './oci-layout.js'
import type { ImageReference } from './reference.js'
import { formatReference, pulledName, repository, tagName } from './reference.js'
import { loadRegistriesConf, resolveCandidates } from './registries-conf.js'
import { parsePlatform, skopeoCopy, skopeoInspectConfigRaw, skopeoInspectRaw } from './skopeo.js'
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
      // A Docker schema 2 image stored before schema 5 was converted to OCI (another config
      // digest): it is found by the registry digest its first pull recorded.
      return listImages(host.store).find(x => (x.repoDigests ?? []).some(rd => rd.endsWith(`@${top}`)) && sameLayers(x, m.layers))
    },
  }
}

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
  const remote = { ...(o.tlsVerify === undefined ? {} : { tlsVerify: o.tlsVerify }), ...(o.authfile === undefined ? {} : { authfile: o.authfile }) }
  try {
    const [copied, current] = await Promise.allSettled([skopeoCopy(host, src, `oci:${tmp}:pull`, {
      remote: 'src', sharedBlobDir: paths.blobs(host.config), ...remote,
      ...(o.platform === undefined ? {} : { platform: o.platform }),
    }), manifest])
    if (copied.status === 'rejected') throw copied.reason
    if (current.status === 'rejected') throw current.reason
    for (const line of copied.value.split('\n')) if (line.trim() !== '') o.progress?.(line)
    const written = layoutManifestDigest(tmp)
    const docker = current.value === undefined ? undefined : await fetchDockerOriginal(host, ref, current.value, written, o.platform, remote)
    const record = await withImageStorageLock(host, 'shared', async () => {
      const name = pulledName(ref)
      if (docker !== undefined) {
        // Written under the lock, so no blob collection of another process takes them first.
        await storeBlob(host, docker.configDigest, docker.config)
        await storeBlob(host, docker.digest, docker.manifest)
        return await storeImage(host, readManifestImage(host, docker.digest), [name], docker.repoDigests, formatReference(ref), docker.source)
      }
      const img = readLayoutImage(host, tmp)
      const digests = repoDigestsOf(ref, img, current.value, o.platform)
      return await storeImage(host, img, [name], digests.repoDigests, formatReference(ref), digests.source)
    })
    // The OCI manifest and config skopeo converted a Docker schema 2 image to; or a manifest
    // of an image stored already under another one (the same config: the same ID).
    if (docker !== undefined || record.digest !== written) await dropUnreferencedBlobs(host, [written, ...blobsOfManifest(host, written)])
    return record
  } finally {
    removeTree(tmp)
  }
}

function layoutManifestDigest (dir: string): string {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests?: { digest?: unknown }[] }
  const d = index.manifests?.[0]?.digest
  if (typeof d !== 'string') throw new PodctlError('STORAGE_FAILED', `${dir}/index.json: no manifest`)
  return d
}

interface DockerOriginal { digest: string, manifest: Buffer, config: Buffer, configDigest: string, repoDigests: string[], source?: string }

// When the image copied is a Docker schema 2 one (skopeo wrote it converted to OCI), its
// manifest and config as the registry has them, fetched by digest (to be stored in the blob
// store): the config's digest is Podman's image ID. The layer blobs are the same ones, and
// are checked against this manifest and config as they are unpacked.
async function fetchDockerOriginal (host: Host, ref: ImageReference, manifest: Buffer, written: string, platform: string | undefined, remote: { tlsVerify?: boolean, authfile?: string }): Promise<DockerOriginal | undefined> {
  const top = manifestDigest(manifest)
  const repo = repository(ref)
  const entries = listEntries(manifest)
  let raw = manifest
  let digest = top
  if (entries !== undefined) {
    const instance = unambiguousInstance(entries, parsePlatform(platform))
    if (instance === undefined || instance === written) return undefined
    raw = await skopeoInspectRaw(host, `docker://${repo}@${instance}`, remote)
    digest = instance
    if (manifestDigest(raw) !== instance) throw new PodctlError('STORAGE_FAILED', `manifest ${instance}: digest mismatch: content has ${manifestDigest(raw)}`)
  }
  if (digest === written) return undefined
  const m = parseManifest(raw)
  if (m === undefined || m.mediaType !== DOCKER_V2S2) return undefined
  // The copy wrote this image converted (same layer blobs) unless the tag moved meanwhile:
  // then what was copied is stored as written. (A concurrent pull of the same image may have
  // dropped the converted manifest already: the layers are checked as they are unpacked.)
  const copiedLayers = layersOfBlob(host, written)
  if (copiedLayers !== undefined && JSON.stringify(copiedLayers) !== JSON.stringify(m.layers)) return undefined
  const config = await skopeoInspectConfigRaw(host, `docker://${repo}@${digest}`, remote)
  const blobs = { manifest: raw, config, configDigest: m.config }
  return entries === undefined
    ? { digest, ...blobs, repoDigests: [`${repo}@${top}`] }
    : { digest, ...blobs, repoDigests: [`${repo}@${top}`, `${repo}@${digest}`], source: top }
}

function layersOfBlob (host: Host, digest: string): string[] | undefined {
  let data: Buffer
  try { data = fs.readFileSync(paths.blob(host.config, digest)) } catch { return undefined }
  return parseManifest(data)?.layers
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
