import { listContainers } from '../state/container-rows.js'
import { listImages } from '../state/image-rows.js'
import { listContainerNetworks } from '../state/network-rows.js'
import { listPods } from '../state/pod-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import type { ContainerFilterEnv } from './container-filters.js'

// The lookups container filters need, read inside the caller's transaction.
export function loadContainerFilterEnv (store: StateStore): ContainerFilterEnv {
  const images = new Map(listImages(store).map(i => [i.id as string, i.name]))
  const networks = listContainerNetworks(store)
  return {
    containers: listContainers(store),
    pods: listPods(store),
    imageNameOf: id => images.get(id),
    networksOf: id => networks.get(id) ?? [],
  }
}
