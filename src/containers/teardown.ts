import type { Host } from '../host.js'
import { endMonitor } from '../runtime/monitor.js'
import { removeTree } from '../storage/atomic-file.js'
import { releaseImageFiles } from '../storage/images.js'
import { unmountRootfs } from '../storage/overlay.js'
import { paths } from '../storage/paths.js'
import { getContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { removeExitFile } from './exit-file.js'
import { releaseContainerLayers } from './rootfs-layers.js'

// A container's storage teardown steps. Each is idempotent ("already gone" is success),
// works on a half-created container and never deletes rows.

// Unmounts the rootfs and removes the container's storage dir and OCI bundle dir.
// Volumes are left alone.
// The container's log (ctr.log) lives in its storage dir and goes with it. Its conmon,
// which exits by itself right after the container, is ended by PID first (the row read now:
// a start may have recorded one since c was read), then its exit file is removed.
export async function teardownContainerStorage (host: Host, c: ContainerRecord): Promise<void> {
  await endMonitor(readConfig(getContainer(host.store, c.id) ?? c).monitor)
  await endMonitor(readConfig(c).monitor)
  removeExitFile(host, c.id)
  await unmountRootfs(host, c.id)
  removeTree(paths.containerStorage(host.config, c.id))
  removeTree(paths.bundle(host.config, c.id))
  releaseImageFiles(host, c.id, readConfig(c).lowerDir)
  await releaseContainerLayers(host, c.id, readConfig(c))
}

// rm -rf <root>/volumes/<name>; missing is success.
export async function removeVolumeData (host: Host, name: string): Promise<void> {
  if (name === '' || name.includes('/') || name === '.' || name === '..') throw new Error(`Assertion failed: bad volume name ${JSON.stringify(name)}`)
  removeTree(paths.volume(host.config, name))
}
