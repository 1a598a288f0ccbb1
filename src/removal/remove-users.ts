import { isErrorCode, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import { matchedName, removeImage } from '../images/remove-image.js'
import { containersUsingImage, listImages, resolveImage } from '../state/image-rows.js'
import { getVolume, listVolumes, listVolumeUsers } from '../state/volume-rows.js'
import { removeVolume } from '../storage/volumes.js'
import type { RemovalBackend } from './backend.js'
import { removeContainers } from './index.js'

export interface UserRemovalOptions {
  backend?: RemovalBackend
  // -t of the command: the stop timeout of the running users.
  timeoutSec?: number
}

// `network rm -f`, `volume rm -f`, `image rm -f`: the containers using the object (and what
// depends on them) go through the removal engine first, as in Podman. Any container that
// cannot be removed keeps the object: the error names it.
export async function removeUsingContainers (host: Host, ids: readonly string[], what: string, opts: UserRemovalOptions = {}): Promise<void> {
  if (ids.length === 0) return
  const report = await removeContainers(host, {
    mode: 'rm', targets: ids.map(id => ({ id: id as ContainerId })), force: true, depend: true, volumes: false,
  }, opts)
  const failed = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error.message] : [])
  if (failed.length > 0) throw new PodctlError('IN_USE', `removing the containers of ${what}: ${failed.join('; ')}`)
}

export interface BatchResult {
  removed: string[]
  errors: unknown[]
}

// `volume rm [-a] [-f]`: names, or every volume. With force, a missing volume is no error,
// and every container using any of them goes in one run of the removal engine first.
export async function removeVolumes (host: Host, sel: { names: readonly string[], all: boolean, force: boolean }, opts: UserRemovalOptions = {}): Promise<BatchResult> {
  const { store } = host
  const targets = sel.all ? store.read(() => listVolumes(store).map(v => v.name)) : [...sel.names]
  const present = sel.force ? store.read(() => targets.filter(n => getVolume(store, n) !== undefined)) : targets
  const out: BatchResult = { removed: [], errors: [] }
  if (sel.force) {
    const users = [...new Set(store.read(() => present.flatMap(n => listVolumeUsers(store, n))))]
    try {
      await removeUsingContainers(host, users, present.length === 1 ? `volume ${present[0]}` : 'the volumes', opts)
    } catch (err) { out.errors.push(err) }
  }
  for (const n of present) {
    try {
      out.removed.push(removeVolume(host, n).name)
    } catch (err) {
      // --all: a volume another process removed meanwhile is no error.
      if (!(sel.all && isErrorCode(err, 'NO_SUCH_VOLUME'))) out.errors.push(err)
    }
  }
  return out
}

export interface ImageBatchResult extends BatchResult {
  // Podman's lines, in order: "Untagged: NAME" for each name that went, "Deleted: ID".
  lines: string[]
}

// `image rm [-f] [-a]`: with force, the containers using an image that is to be deleted (not
// only untagged) go first, through the removal engine.
export async function removeImages (host: Host, refs: readonly string[], force: boolean, opts: UserRemovalOptions & { all?: boolean } = {}): Promise<ImageBatchResult> {
  const out: ImageBatchResult = { removed: [], errors: [], lines: [] }
  const targets = opts.all === true ? host.store.read(() => listImages(host.store).map(i => i.id as string)) : refs
  for (const ref of targets) {
    try {
      if (force) {
        const image = resolveImage(host.store, ref)
        const untagOnly = matchedName(image, ref) !== undefined && (image.names ?? []).length > 1
        if (!untagOnly) await removeUsingContainers(host, containersUsingImage(host.store, image.id), `image ${ref}`, opts)
      }
      const r = await removeImage(host, ref, force, opts.all === true)
      out.lines.push(...r.untagged.map(n => `Untagged: ${n}`))
      if (r.deleted) {
        out.lines.push(`Deleted: ${r.image.id}`)
        out.removed.push(r.image.id)
      }
    } catch (err) {
      if (!(opts.all === true && isErrorCode(err, 'NO_SUCH_IMAGE'))) out.errors.push(err)
    }
  }
  return out
}
