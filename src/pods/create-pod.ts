import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { PodId } from '../ids.js'
import { generateId, validateName } from '../ids.js'
import { createContainer } from '../containers/create-container.js'
import { parseNetworkMode } from '../containers/network-mode.js'
import { parsePublishList } from '../containers/port-args.js'
import { generateName } from '../containers/names.js'
import { deleteContainerRow, getContainer, isNameTaken } from '../state/container-rows.js'
import { deletePodRow, getPod, insertPod, setPodInfra } from '../state/pod-rows.js'
import type { Labels, PodRecord } from '../state/types.js'
import { writeFileAtomicSync } from '../storage/atomic-file.js'
import { teardownContainerStorage } from '../containers/teardown.js'

export interface CreatePodOptions {
  name?: string
  infra?: boolean
  share?: string
  network?: string
  podIdFile?: string
  labels?: Labels
  // -p/--publish, set up on the infra container's network.
  publish?: string[]
}

export const DEFAULT_SHARE = ['ipc', 'net', 'uts']
const SHAREABLE = ['cgroup', 'ipc', 'net', 'pid', 'uts']

// Parses --share: a comma list of namespaces, or "none".
export function parseShare (raw: string | undefined, infra: boolean): string[] {
  if (raw === undefined) return infra ? DEFAULT_SHARE : []
  const items = raw.split(',').map(s => s.trim()).filter(Boolean)
  if (items.length === 1 && items[0] === 'none') return []
  for (const s of items) {
    if (!SHAREABLE.includes(s)) throw invalidArgument(`invalid kernel namespace to share: ${s}. Options are: cgroup, ipc, net, pid, uts or none`)
  }
  if (!infra && items.length > 0) throw invalidArgument('you cannot share kernel namespaces on the pod level without an infra container')
  return [...new Set(items)]
}

// Creates a pod and (unless infra is false) its infra container running catatonit -P,
// which holds the shared namespaces. A failure leaves neither the pod nor the infra behind.
export async function createPod (host: Host, o: CreatePodOptions): Promise<PodRecord> {
  const infra = o.infra !== false
  if (o.name !== undefined) {
    try { validateName(o.name) } catch { throw invalidArgument('running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument') }
  }
  const shared = parseShare(o.share, infra)
  if (o.network !== undefined) {
    if (!infra) throw invalidArgument('cannot set --network without an infra container')
    parseNetworkMode(o.network)
  }
  const publish = o.publish ?? []
  if (publish.length > 0 && !infra) throw invalidArgument('you must have an infra container to publish port bindings to the host')
  if (publish.length > 0) parsePublishList(publish)
  const pod: PodRecord = {
    id: generateId<PodId>(), name: o.name ?? generateName(host.store), createdAt: Date.now(), infraId: null, shared,
    labels: o.labels ?? {}, podIdFile: o.podIdFile ?? null, config: { infra, ...(o.network === undefined ? {} : { network: o.network }) },
  }
  host.store.write(() => {
    // A drawn name another process took since: draw again (a name the user gave is refused).
    if (o.name === undefined && isNameTaken(host.store, pod.name)) pod.name = generateName(host.store)
    insertPod(host.store, pod)
  })
  let done = false
  try {
    if (infra) {
      const c = await createContainer(host, { command: [], publish, ...(o.network === undefined ? {} : { network: o.network }) }, pod)
      host.store.write(() => setPodInfra(host.store, pod.id, c.id))
      pod.infraId = c.id
    }
    if (o.podIdFile !== undefined) writeFileAtomicSync(o.podIdFile, pod.id)
    done = true
    return pod
  } catch (err) {
    // Another process's pod rm took the still-empty pod: the infra row then fails its
    // foreign key. Say what happened instead of the SQLite message.
    if (getPod(host.store, pod.id) === undefined) throw new PodctlError('NO_SUCH_POD', `pod ${pod.name} was removed while it was being created: no such pod`, { cause: err })
    throw err
  } finally {
    if (!done) await rollbackPod(host, pod)
  }
}

// Removes a pod this process just created (rollback), with its infra container.
export async function rollbackPod (host: Host, pod: PodRecord): Promise<void> {
  try {
    const infra = pod.infraId === null ? undefined : getContainer(host.store, pod.infraId)
    if (infra !== undefined) await teardownContainerStorage(host, infra)
    host.store.write(() => {
      if (infra !== undefined) deleteContainerRow(host.store, infra.id)
      deletePodRow(host.store, pod.id)
    })
  } catch (err) {
    host.log.warn(`rolling back pod ${pod.id}: ${String(err)}`)
  }
}
