import { listPodContainers } from '../state/container-rows.js'
import type { Host } from '../host.js'
import { listPods } from '../state/pod-rows.js'
import type { PodFilterItem } from '../targets/pod-filters.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import type { ContainerRecord, PodRecord } from '../state/types.js'

// Podman's pod status from its containers' states.
export function podStatus (members: readonly ContainerRecord[]): string {
  if (members.length === 0) return 'Created'
  const running = members.filter(c => c.state === 'running').length
  const exited = members.filter(c => c.state === 'exited' || c.state === 'stopped').length
  if (running === members.length) return 'Running'
  if (running > 0) return 'Degraded'
  if (exited === members.length) return 'Exited'
  if (exited > 0) return 'Stopped'
  return 'Created'
}

const SHARE_NAMES: Record<string, string> = { net: 'net', ipc: 'ipc', uts: 'uts', pid: 'pid', cgroup: 'cgroup' }

// `podman pod inspect` entry.
export function toPodInspectView (store: StateStore, p: PodRecord): Record<string, unknown> {
  const members = listPodContainers(store, p.id)
  return {
    Id: p.id, Name: p.name, Created: new Date(p.createdAt).toISOString(), State: podStatus(members), Hostname: '',
    Labels: p.labels, CreateInfra: p.infraId !== null, ...(p.infraId === null ? {} : { InfraContainerID: p.infraId }),
    SharedNamespaces: p.shared.map(s => SHARE_NAMES[s] ?? s), NumContainers: members.length,
    Containers: [...members].sort((a, b) => a.id < b.id ? -1 : 1).map(c => ({ Id: c.id, Name: c.name, State: c.state })),
    ...(p.podIdFile === null ? {} : { PodIDFile: p.podIdFile }),
  }
}

// `podman pod ps --format json` entry.
export function toPodListEntry (store: StateStore, p: PodRecord): Record<string, unknown> {
  const members = listPodContainers(store, p.id)
  return {
    Cgroup: '', Containers: members.map(c => ({ Id: c.id, Names: c.name, Status: c.state, RestartCount: 0 })),
    Created: new Date(p.createdAt).toISOString(), Id: p.id, InfraId: p.infraId ?? '', Name: p.name, Namespace: '',
    Networks: [], Status: podStatus(members), Labels: p.labels,
  }
}

// `pod ps --format json` entries of the pods the filter picks, in one read of the state.
export function listPodEntries (host: Host, filter: (item: PodFilterItem) => boolean): Record<string, unknown>[] {
  const { store } = host
  return store.read(() => listPods(store).flatMap(p => {
    const members = listPodContainers(store, p.id)
    return filter({ pod: p, members, status: podStatus(members) }) ? [toPodListEntry(store, p)] : []
  }))
}

// `pod inspect` of the given pods.
export function inspectPodViews (host: Host, pods: readonly PodRecord[]): Record<string, unknown>[] {
  return host.store.read(() => pods.map(p => toPodInspectView(host.store, p)))
}
