import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import zlib from 'node:zlib'

import { errorMessage, invalidArgument } from '../errors.js'
import type { Host } from '../host.js'
import { makeDirs, removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import { addRepoDigest, resolveImage } from '../state/image-rows.js'
import type { ImageRecord } from '../state/types.js'
import { blobsOfManifest, dropUnreferencedBlobs, storeImage } from './image-store.js'
import { importDirLayout, writeDirLayout } from './dir-layout.js'
import { readManifestImage } from './oci-layout.js'
import { normalizeDomain, parseReference, tagName } from './reference.js'
import { skopeoCopy } from './skopeo.js'
import { withImageStorageLock } from './storage-lock.js'
import { TarParser } from './tar-reader.js'

// `load` and `save` of docker-archive and oci-archive tarballs (gzip-compressed or not),
// with skopeo as the transport into and out of the shared blob store.

export type ArchiveFormat = 'docker-archive' | 'oci-archive'

interface ArchiveIndex {
  format: ArchiveFormat
  // Per image in the archive: its skopeo source suffix and the names it carries.
  images: { source: string, names: string[] }[]
}

const MAX_INDEX = 4 * 1024 * 1024

function isGzip (file: string): boolean {
  const head = Buffer.alloc(2)
  const fd = fs.openSync(file, 'r')
  try { fs.readSync(fd, head, 0, 2, 0) } finally { fs.closeSync(fd) }
  return head[0] === 0x1f && head[1] === 0x8b
}

// Reads manifest.json (docker-archive) or index.json (oci-archive) from the tarball.
async function readArchiveIndex (file: string): Promise<ArchiveIndex> {
  const wanted = new Map<string, Buffer[]>()
  let current: Buffer[] | null = null
  let total = 0
  const parser = new TarParser({
    entry: e => {
      const name = e.name.replace(/^\.\//, '')
      current = e.type === 'file' && (name === 'manifest.json' || name === 'index.json' || name === 'oci-layout') ? [] : null
      if (current !== null) wanted.set(name, current)
    },
    data: c => {
      if (current === null) return
      total += c.length
      if (total > MAX_INDEX) throw invalidArgument(`${file}: archive index too large`)
      current.push(Buffer.from(c))
    },
    entryEnd: () => { current = null },
  })
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => { for await (const c of source) parser.push(c) }
  try {
    await pipeline(fs.createReadStream(file), consume)
    parser.finish()
  } catch (err) {
    throw invalidArgument(`payload does not match any of the supported image formats: ${file}: ${errorMessage(err)}`)
  }
  const text = (n: string): unknown => JSON.parse(Buffer.concat(wanted.get(n)!).toString('utf8'))
  try {
    if (wanted.has('manifest.json')) {
      const list = text('manifest.json')
      if (!Array.isArray(list)) throw new Error('manifest.json is not a list')
      return {
        format: 'docker-archive',
        images: list.map((m: { RepoTags?: unknown }, i) => ({ source: `@${i}`, names: Array.isArray(m.RepoTags) ? m.RepoTags.filter((t): t is string => typeof t === 'string') : [] })),
      }
    }
    if (wanted.has('index.json') && wanted.has('oci-layout')) {
      const index = text('index.json') as { manifests?: { annotations?: Record<string, string> }[] }
      const ms = Array.isArray(index.manifests) ? index.manifests : []
      const named = ms.map(m => m.annotations?.['org.opencontainers.image.ref.name']).filter((n): n is string => typeof n === 'string')
      if (named.length === 0) return { format: 'oci-archive', images: [{ source: '', names: [] }] }
      return { format: 'oci-archive', images: named.map(n => ({ source: n, names: n.includes('/') || n.includes(':') ? [n] : [] })) }
    }
  } catch (err) {
    throw invalidArgument(`payload does not match any of the supported image formats: ${file}: ${errorMessage(err)}`)
  }
  throw invalidArgument(`payload does not match any of the supported image formats: ${file}: neither a docker-archive nor an oci-archive`)
}

// docker-archive names such as "busybox:latest" are docker.io/library/busybox:latest, as in Podman.
function storedName (raw: string): string | undefined {
  try {
    const ref = normalizeDomain(parseReference(raw))
    return tagName(ref.domain === '' ? normalizeDomain({ ...ref, domain: 'docker.io' }) : ref)
  } catch {
    return undefined
  }
}

// The repository of a stored name (repository:tag).
function repositoryOf (name: string): string {
  const colon = name.lastIndexOf(':')
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name
}

export interface LoadResult { images: ImageRecord[], names: string[] }

// `load -i FILE` (or a stream: stdin): every image in the archive, with its names.
export async function loadImages (host: Host, input: { file: string } | { stream: Readable }): Promise<LoadResult> {
  const tmpRoot = paths.imageTmp(host.config)
  makeDirs(tmpRoot, 0o700)
  makeDirs(paths.blobs(host.config), 0o700)
  const tmp = fs.mkdtempSync(path.join(tmpRoot, 'load-'))
  try {
    let file: string
    if ('file' in input) {
      file = path.resolve(input.file)
      if (!fs.existsSync(file)) throw invalidArgument(`open ${input.file}: no such file or directory`)
    } else {
      file = path.join(tmp, 'stdin.tar')
      await pipeline(input.stream, fs.createWriteStream(file))
    }
    // skopeo reads uncompressed archives only.
    if (isGzip(file)) {
      const plain = path.join(tmp, 'archive.tar')
      try {
        await pipeline(fs.createReadStream(file), zlib.createGunzip(), fs.createWriteStream(plain))
      } catch (err) {
        throw invalidArgument(`payload does not match any of the supported image formats: ${file}: ${errorMessage(err)}`)
      }
      file = plain
    }
    const index = await readArchiveIndex(file)
    const out: LoadResult = { images: [], names: [] }
    for (const [n, img] of index.images.entries()) {
      const layout = path.join(tmp, `image-${n}`)
      const src = index.format === 'docker-archive' ? `docker-archive:${file}:${img.source}` : `oci-archive:${file}${img.source === '' ? '' : `:${img.source}`}`
      // dir: keeps the manifest and config as the archive has them (Podman's image ID).
      await skopeoCopy(host, src, `dir:${layout}`, { remote: 'src' })
      const names = img.names.map(storedName).filter((x): x is string => x !== undefined)
      let digest = ''
      const record = await withImageStorageLock(host, 'shared', async () => {
        digest = await importDirLayout(host, layout)
        return await storeImage(host, readManifestImage(host, digest), names, [], file)
      })
      // An image stored already under another manifest (the same config: the same ID): the
      // image is known by this digest too, as in Podman; its blobs nothing else uses go.
      if (record.digest !== digest) {
        host.store.write(() => { for (const n of names) addRepoDigest(host.store, record.id, `${repositoryOf(n)}@${digest}`) })
        await dropUnreferencedBlobs(host, [digest, ...blobsOfManifest(host, digest)])
      }
      out.images.push(record)
      out.names.push(...(names.length > 0 ? names : [`sha256:${record.id}`]))
    }
    return out
  } finally {
    removeTree(tmp)
  }
}

// `save -o FILE [--format] IMAGE [NAME…]`: one image, under every name given (names of
// the same image become extra tags; another image is refused).
export async function saveImage (host: Host, refs: readonly string[], output: string, format: ArchiveFormat): Promise<void> {
  if (refs.length === 0) throw invalidArgument('need at least 1 argument')
  const image = resolveImage(host.store, refs[0]!)
  if ((image.layers ?? []).length === 0) throw invalidArgument(`image ${refs[0]!} was imported from a rootfs: only OCI images can be saved`)
  const names: string[] = []
  for (const r of refs) {
    const i = resolveImage(host.store, r)
    if (i.id !== image.id) throw invalidArgument('saving several different images into one archive is not supported')
    const full = (i.names ?? []).find(n => n === r || n.endsWith(`/${r}`) || n === `${r}:latest` || n.endsWith(`/${r}:latest`))
    if (full !== undefined && !names.includes(full)) names.push(full)
  }
  if (names.length === 0 && image.name !== '') names.push(image.name)
  const tmpRoot = paths.imageTmp(host.config)
  makeDirs(tmpRoot, 0o700)
  const tmp = fs.mkdtempSync(path.join(tmpRoot, 'save-'))
  try {
    // A dir: layout of the manifest as stored (a Docker schema 2 image stays one, so a
    // docker-archive keeps its config and Podman loads it under the same ID).
    writeDirLayout(host, image, tmp)
    const dest = path.resolve(output)
    fs.rmSync(dest, { force: true })
    const destRef = format === 'docker-archive' ? `docker-archive:${dest}${names[0] === undefined ? '' : `:${names[0]}`}` : `oci-archive:${dest}${names[0] === undefined ? '' : `:${names[0]}`}`
    await skopeoCopy(host, `dir:${tmp}`, destRef, {
      remote: 'dest',
      ...(format === 'docker-archive' && names.length > 1 ? { extraArgs: names.slice(1).flatMap(n => ['--additional-tag', n]) } : {}),
    })
  } finally {
    removeTree(tmp)
  }
}
