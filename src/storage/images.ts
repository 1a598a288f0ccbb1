import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { ImageId } from '../ids.js'
import { generateId } from '../ids.js'
import { execCommand } from '../process/exec-command.js'
import { getImage, insertImage, isLowerDirShared, listImages, lookupImage } from '../state/image-rows.js'
import type { ImageRecord } from '../state/types.js'
import { fsyncDir, removeTree } from './atomic-file.js'
import { paths } from './paths.js'

const IMPORT_TIMEOUT_MS = 10 * 60_000
const IMAGE_NAME = /^[a-z0-9][a-z0-9._/-]*(:[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})?$/

export function validateImageName (name: string): string {
  if (name.length > 255 || !IMAGE_NAME.test(name) || name.split('/').some(p => p === '' || p === '.' || p === '..')) {
    throw invalidArgument(`invalid reference format: ${JSON.stringify(name)}`)
  }
  return name.includes(':') ? name : `${name}:latest`
}

function treeSize (p: string): number {
  const st = fs.lstatSync(p)
  if (!st.isDirectory()) return st.size
  return fs.readdirSync(p).reduce((sum, e) => sum + treeSize(path.join(p, e)), st.size)
}

// Imports a rootfs (directory or tarball) as image NAME. The files land in a temp dir and
// are renamed into <root>/storage/images/<id> only when complete; the row comes last.
export async function importImage (host: Host, source: string, rawName: string): Promise<ImageRecord> {
  const name = validateImageName(rawName)
  const src = path.resolve(source)
  let st: fs.Stats
  try { st = fs.statSync(src) } catch { throw invalidArgument(`${source}: no such file or directory`) }
  if (lookupImage(host.store, name) !== undefined) throw new PodctlError('NAME_IN_USE', `image name "${name}" is already in use: image already exists`)
  const id = generateId<ImageId>()
  const dir = paths.images(host.config)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const tmp = path.join(dir, `.tmp-${id}`)
  const rootfs = path.join(tmp, 'rootfs')
  let committed = false
  try {
    fs.mkdirSync(rootfs, { recursive: true, mode: 0o755 })
    if (st.isDirectory()) {
      await execCommand('cp', ['-a', '--', `${src}/.`, rootfs], { timeoutMs: IMPORT_TIMEOUT_MS, code: 'STORAGE_FAILED', signal: host.signal })
    } else {
      await execCommand('tar', ['-xf', src, '-C', rootfs, '--numeric-owner', '--same-owner', '--same-permissions'], { timeoutMs: IMPORT_TIMEOUT_MS, code: 'STORAGE_FAILED', signal: host.signal })
    }
    const image: ImageRecord = { id, name, names: [name], createdAt: Date.now(), size: treeSize(rootfs), source: src, digest: '', repoDigests: [], layers: [], config: {} }
    fs.renameSync(tmp, paths.image(host.config, id))
    fsyncDir(dir)
    host.store.write(() => insertImage(host.store, image))
    committed = true
    return image
  } finally {
    if (!committed) {
      removeTree(tmp)
      removeTree(paths.image(host.config, id))
    }
  }
}

// Called when a container's storage goes: removes the files of a force-removed image once
// no other container uses them.
export function releaseImageFiles (host: Host, containerId: string, lowerDir: string): void {
  const imagesDir = paths.images(host.config)
  if (path.dirname(path.dirname(lowerDir)) !== imagesDir || path.basename(lowerDir) !== 'rootfs') return
  const id = path.basename(path.dirname(lowerDir))
  if (getImage(host.store, id) !== undefined) return
  if (!isLowerDirShared(host.store, containerId, lowerDir)) removeTree(paths.image(host.config, id))
}

// `image ls`: every image record, oldest first.
export function listImageRecords (host: Host): ImageRecord[] {
  return listImages(host.store)
}
