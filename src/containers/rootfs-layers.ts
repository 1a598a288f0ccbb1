import fs from 'node:fs'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { freeUnusedLayers } from '../images/image-store.js'
import { lowerDirsOf } from '../images/layer-store.js'
import { withImageStorageLock } from '../images/storage-lock.js'
import { mountRootfs } from '../storage/overlay.js'
import { paths } from '../storage/paths.js'
import { isLayerUsed } from '../state/image-rows.js'
import type { ContainerConfig } from './container-config.js'

// Mounts a container's rootfs from its config: the layers of an OCI image (short links
// relative to the layers dir), or an imported image's rootfs dir.
export async function mountContainerRootfs (host: Host, id: string, cfg: ContainerConfig): Promise<string> {
  if (cfg.layers !== undefined && cfg.layers.length > 0) {
    return await mountRootfs(host, id, lowerDirsOf(host, cfg.layers), paths.layers(host.config))
  }
  if (!fs.existsSync(cfg.lowerDir)) throw new PodctlError('STORAGE_FAILED', `image files of container ${id} are missing: ${cfg.lowerDir}`)
  return await mountRootfs(host, id, [cfg.lowerDir])
}

// After a container's storage went: its layers that no image or other container stacks
// (the image was force-removed while it ran) are freed.
export async function releaseContainerLayers (host: Host, id: string, cfg: ContainerConfig): Promise<void> {
  const layers = cfg.layers ?? []
  if (layers.length === 0) return
  if (host.store.read(() => layers.every(l => isLayerUsed(host.store, l, id)))) return
  await withImageStorageLock(host, 'exclusive', async () => {
    freeUnusedLayers(host, layers, id)
  })
}
