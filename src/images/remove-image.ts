import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import { isDangling } from './image-children.js'
import { clearImageReference, deleteImageRow, getImage, listImages, listImageUsers, removeImageName, resolveImage } from '../state/image-rows.js'
import type { ImageRecord } from '../state/types.js'
import { crashPoint } from './crash-points.js'
import { freeUnusedBlobs, freeUnusedLayers } from './image-store.js'
import { digestHex } from './layer-store.js'
import { withImageStorageLock } from './storage-lock.js'

export interface ImageRemoval {
  image: ImageRecord
  untagged: string[]
  // Whether the image itself went (not only a name).
  deleted: boolean
}

// Which of the image's names the user's reference is: the name, name:latest, or a stored
// name ending in /NAME[:TAG]. Undefined when it was an ID, ID prefix or digest.
export function matchedName (i: ImageRecord, ref: string): string | undefined {
  const names = i.names ?? []
  if (ref.includes('@')) return undefined
  const full = ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref : `${ref}:latest`
  return names.find(n => n === ref) ?? names.find(n => n === full) ?? names.find(n => n.endsWith(`/${full}`))
}

// `rmi REF`, Podman's rules: a name of an image with other names is only untagged; the
// last name, an ID or a digest deletes the image, refused while containers use it (force:
// their rows are detached; their layers stay until their storage goes) and refused by ID
// for an image with several names unless force (or rmi -a, which means every image). Layers and blobs nothing else uses go.
export async function removeImage (host: Host, ref: string, force = false, all = false): Promise<ImageRemoval> {
  const { store } = host
  const decided = store.write(() => {
    const image = resolveImage(store, ref)
    const name = matchedName(image, ref)
    const names = image.names ?? []
    if (name !== undefined && names.length > 1) {
      removeImageName(store, image.id, name)
      return { image, untagged: [name], deleted: false, users: [] as string[] }
    }
    if (name === undefined && names.length > 1 && !force && !all) {
      throw new PodctlError('INVALID_ARGUMENT', `unable to delete image "${image.id}" by ID with more than one tag ([${names.join(' ')}]): please force removal`)
    }
    const users = listImageUsers(store, image.id)
    if (users.length > 0 && !force) {
      throw new PodctlError('IN_USE', `image used by ${users.join(', ')}: image is in use by a container: consider listing external containers and force-removing image`)
    }
    clearImageReference(store, image.id)
    deleteImageRow(store, image.id)
    return { image, untagged: names, deleted: true, users }
  })
  if (decided.deleted) await releaseImageStorage(host, decided.image, decided.users.length > 0)
  return { image: decided.image, untagged: decided.untagged, deleted: decided.deleted }
}

// The files of a deleted image row: an imported rootfs (kept while containers still stack it;
// the last one's teardown removes it), or the layers and blobs no one else uses.
export async function releaseImageStorage (host: Host, image: ImageRecord, hadUsers: boolean): Promise<void> {
  crashPoint('row-deleted')
  const layers = image.layers ?? []
  if (layers.length === 0) {
    if (!hadUsers) removeTree(paths.image(host.config, image.id))
    return
  }
  await withImageStorageLock(host, 'exclusive', async () => {
    freeUnusedLayers(host, layers.map(l => digestHex(l.diffId)))
    freeUnusedBlobs(host)
  })
}

// `image prune [-a]`: dangling images (no names, no child image: an intermediate one stays,
// as in Podman), or with all every image, that no container uses. Returns the removed IDs.
export async function pruneImages (host: Host, all: boolean): Promise<string[]> {
  const removed: string[] = []
  const candidates = host.store.read(() => {
    const images = listImages(host.store)
    return images.filter(i => (all || isDangling(i, images)) && listImageUsers(host.store, i.id).length === 0)
  })
  for (const c of candidates) {
    const gone = host.store.write(() => {
      const i = getImage(host.store, c.id)
      if (i === undefined || listImageUsers(host.store, i.id).length > 0 || (!all && (i.names ?? []).length > 0)) return undefined
      deleteImageRow(host.store, i.id)
      return i
    })
    if (gone === undefined) continue
    await releaseImageStorage(host, gone, false)
    removed.push(gone.id)
  }
  return removed
}
