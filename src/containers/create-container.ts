import { errorMessage, invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import { generateId } from '../ids.js'
import { digestHex } from '../images/layer-store.js'
import { matchedName } from '../images/remove-image.js'
import { makeDirs, writeFileAtomicSync } from '../storage/atomic-file.js'
import { ensureInfraRootfs, INFRA_COMMAND } from '../storage/infra-rootfs.js'
import { paths } from '../storage/paths.js'
import { discardPreparedVolume, prepareVolume } from '../storage/volumes.js'
import type { PortMapping } from '../network/port-mapping.js'
import { portsClash } from '../network/port-mapping.js'
import { checkPortsFree } from '../network/port-probe.js'
import { addDependency, deleteContainerRow, getContainer, insertContainer, isNameTaken, listContainers } from '../state/container-rows.js'
import { insertContainerNetworks } from '../state/network-rows.js'
import { getImage } from '../state/image-rows.js'
import { getPod } from '../state/pod-rows.js'
import type { ContainerRecord, PodRecord, VolumeRecord } from '../state/types.js'
import { addContainerVolume, deleteVolumeIfUnused, getVolume, insertVolume } from '../state/volume-rows.js'
import { readConfig, toConfigColumn } from './container-config.js'
import { generateName } from './names.js'
import { checkNetworksExist } from './network-mode.js'
import type { CreateContainerOptions, CreatePlan } from './plan-create.js'
import { planCreate } from './plan-create.js'
import { mountContainerRootfs } from './rootfs-layers.js'
import { teardownContainerStorage } from './teardown.js'

export type { CreateContainerOptions } from './plan-create.js'

// Creates a container: validates everything first, then storage (overlay mounted for the
// container's lifetime), new volumes, and last the rows in one transaction. Any failure
// rolls back what this call made: no row, no mount, no dir.
export async function createContainer (host: Host, o: CreateContainerOptions, infraOf?: PodRecord): Promise<ContainerRecord> {
  const plan = planCreate(host, o, infraOf)
  await checkNetworksExist(host, { kind: 'cni', networks: plan.networks })
  const id = generateId<ContainerId>()
  checkPodDependencies(host, id, plan)
  const layers = (plan.image?.layers ?? []).map(l => digestHex(l.diffId)).reverse()
  const lowerDir = plan.image === null ? await ensureInfraRootfs(host) : layers.length > 0 ? '' : paths.imageRootfs(host.config, plan.image.id)
  const record: ContainerRecord = {
    id, name: plan.name, imageId: plan.image?.id ?? null, podId: plan.pod?.id ?? null, isInfra: infraOf !== undefined,
    command: infraOf !== undefined ? INFRA_COMMAND : plan.command, state: 'created', pid: null, exitCode: null,
    createdAt: Date.now(), startedAt: null, finishedAt: null, stopSignal: plan.stopSignal, stopTimeout: o.stopTimeout ?? 10,
    labels: o.labels ?? {}, namespaces: plan.namespaces, cidfile: plan.cidfile, autoRemove: o.autoRemove === true,
    netnsPath: null, ownerPid: null, ownerStart: null, removingSince: null,
    config: toConfigColumn({
      imageName: plan.image === null ? '' : matchedName(plan.image, o.image ?? '') ?? (plan.image.name !== '' ? plan.image.name : o.image ?? ''),
      lowerDir, binds: plan.binds, env: plan.env, cwd: plan.cwd,
      hostname: plan.hostname ?? id.slice(0, 12), process: plan.process, networkOptions: plan.networkOptions,
      ...(layers.length > 0 ? { layers } : {}),
      ...(plan.exposedPorts.length > 0 ? { exposedPorts: plan.exposedPorts } : {}),
      ...(plan.ports.length === 0 ? {} : { ports: plan.ports }),
    }),
  }
  const newVolumes: VolumeRecord[] = []
  let committed = false
  let cidfileWritten = false
  try {
    await checkPortsFree(plan.ports)
    makeDirs(paths.containerStorage(host.config, id), 0o700)
    // Mounted at once, so a failure here is a create failure, not a surprise at start.
    await mountContainerRootfs(host, id, readConfig(record))
    for (const v of plan.volumes) {
      if (v.create === false) continue
      const vol = prepareVolume(host, v.create === 'anonymous' ? { anonymous: true } : { name: v.name })
      newVolumes.push(vol)
      v.name = vol.name
    }
    host.store.write(() => {
      // In the insert's transaction, so two creates at once cannot both take a host port.
      checkHostPorts(host, plan.ports)
      for (const vol of newVolumes) if (getVolume(host.store, vol.name) === undefined) insertVolume(host.store, vol)
      // A drawn name another process took since: draw again (a name the user gave is refused).
      if (o.name === undefined && infraOf === undefined && isNameTaken(host.store, record.name)) record.name = generateName(host.store)
      insertContainer(host.store, record)
      for (const d of plan.deps) addDependency(host.store, { ...d, containerId: id })
      for (const v of plan.volumes) addContainerVolume(host.store, { containerId: id, volumeName: v.name, destination: v.destination })
      // Recorded at create, so `network rm` sees the container as a user from now on.
      insertContainerNetworks(host.store, id, plan.networks.map(n => ({ name: n, staticIp: plan.networkOptions[n]?.ip })))
    })
    committed = true
    if (plan.cidfile !== null) {
      try {
        writeFileAtomicSync(plan.cidfile, id)
      } catch (cause) {
        throw new PodctlError('STORAGE_FAILED', `writing cidfile ${plan.cidfile}: ${errorMessage(cause)}`, { cause })
      }
      cidfileWritten = true
    }
    return record
  } catch (err) {
    throw explainLostDependency(host, record, err)
  } finally {
    if (!committed || (plan.cidfile !== null && !cidfileWritten)) await rollback(host, record, newVolumes, committed)
  }
}

// A host port another container publishes is refused (exit 125); so is one a host process
// listens on (probed before the transaction, see checkPortsFree).
function checkHostPorts (host: Host, ports: readonly PortMapping[]): void {
  if (ports.length === 0) return
  for (const other of listContainers(host.store)) {
    for (const theirs of readConfig(other).ports ?? []) {
      const mine = ports.find(p => portsClash(p, theirs))
      if (mine !== undefined) throw invalidArgument(`host port ${mine.hostPort}/${mine.protocol} is already published by container ${other.name} (${other.id}): address already in use`)
    }
  }
}

async function rollback (host: Host, c: ContainerRecord, newVolumes: VolumeRecord[], committed: boolean): Promise<void> {
  try {
    if (committed) {
      host.store.write(() => {
        deleteContainerRow(host.store, c.id)
        for (const v of newVolumes) deleteVolumeIfUnused(host.store, v.name)
      })
    }
    await teardownContainerStorage(host, c)
    for (const v of newVolumes) discardPreparedVolume(host, v.name)
  } catch (err) {
    host.log.warn(`rolling back container ${c.id}: ${String(err)}`)
  }
}

// A pod, image or volume this one refers to was removed by another process between planning
// and the insert: SQLite's foreign key check fails. Say which, as a "no such" error.
// (A lost container dependency is refused by addDependency itself.)
function explainLostDependency (host: Host, record: ContainerRecord, err: unknown): unknown {
  if (!/FOREIGN KEY constraint failed/.test(errorMessage(err))) return err
  if (record.podId !== null && getPod(host.store, record.podId) === undefined) {
    return new PodctlError('NO_SUCH_POD', `pod ${record.podId} was removed while container ${record.name} was being created: no such pod`, { cause: err })
  }
  if (record.imageId !== null && getImage(host.store, record.imageId) === undefined) {
    return new PodctlError('NO_SUCH_IMAGE', `image ${record.imageId} was removed while container ${record.name} was being created: image not known`, { cause: err })
  }
  return new PodctlError('NO_SUCH_VOLUME', `a volume container ${record.name} uses was removed while it was being created: no such volume`, { cause: err })
}

// Podman's rule, with its words: a pod member depends only on containers of its pod, and a
// container outside pods never on a pod member (--requires, --network/--ipc/--pid/--uts
// container:X). Else removing the pod would have to take an outsider along, or fail.
function checkPodDependencies (host: Host, id: string, plan: CreatePlan): void {
  const podId = plan.pod?.id ?? null
  for (const d of plan.deps) {
    const dep = getContainer(host.store, d.dependsOn)
    if (dep === undefined || dep.podId === podId) continue
    if (podId !== null) throw invalidArgument(`running container create option: container has joined pod ${podId} and dependency container ${dep.id} is not a member of the pod: invalid argument`)
    throw invalidArgument(`container ${id} depends on container ${dep.id} which is in a pod - containers not in pods cannot depend on containers in pods: invalid argument`)
  }
}
