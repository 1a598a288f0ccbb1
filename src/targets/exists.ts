import { isErrorCode } from '../errors.js'
import type { Host } from '../host.js'
import { CNIEnv } from '../network/index.js'
import { lookupContainer } from '../state/container-rows.js'
import { lookupImage } from '../state/image-rows.js'
import { lookupPod } from '../state/pod-rows.js'
import { getVolume } from '../state/volume-rows.js'

export type ExistsKind = 'container' | 'pod' | 'volume' | 'network' | 'image'

// `podman <kind> exists NAME`: whether it exists, by the same lookup the other commands use
// (name, full ID or unique ID prefix). An ambiguous prefix is an error, not a no.
export async function objectExists (host: Host, kind: ExistsKind, ref: string): Promise<boolean> {
  switch (kind) {
    case 'container': return host.store.read(() => lookupContainer(host.store, ref)) !== undefined
    case 'pod': return host.store.read(() => lookupPod(host.store, ref)) !== undefined
    case 'volume': return host.store.read(() => getVolume(host.store, ref)) !== undefined
    case 'image': return host.store.read(() => lookupImage(host.store, ref)) !== undefined
    case 'network':
      try {
        await CNIEnv.fromHost(host).inspect(ref)
        return true
      } catch (err) {
        if (isErrorCode(err, 'NO_SUCH_NETWORK')) return false
        throw err
      }
  }
}
