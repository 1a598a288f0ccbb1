import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument, isPodctlError, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { validateName } from '../ids.js'
import { mergeEnv, resolveImageProcess } from '../images/image-config.js'
import type { PortMapping } from '../network/port-mapping.js'
import type { BindMount } from '../runtime/oci-spec.js'
import { DEFAULT_ENV } from '../runtime/oci-spec.js'
import { parseSignal } from '../runtime/signals.js'
import { findContainerByName, resolveContainer } from '../state/container-rows.js'
import { resolveImage } from '../state/image-rows.js'
import { resolvePod } from '../state/pod-rows.js'
import type { ContainerRecord, DependencyRecord, ImageRecord, Labels, PodRecord } from '../state/types.js'
import { hasVolume, listContainerVolumes } from '../state/volume-rows.js'
import { readConfig } from './container-config.js'
import { generateName } from './names.js'
import type { NamespaceMode, NetworkOptions } from './network-mode.js'
import { parseNamespaceMode, parseNetworkMode, storedMode } from './network-mode.js'
import type { ProcessOptions, ProcessOptionsInput } from './process-options.js'
import { parseProcessOptions, readEnvFile } from './process-options.js'
import { parsePublishList } from './port-args.js'
import { parseMountArg, parseVolumeArg, parseVolumesFrom } from './volume-args.js'

export interface CreateContainerOptions {
  image?: string
  command: string[]
  name?: string
  labels?: Labels
  env?: string[]
  stopSignal?: string
  stopTimeout?: number
  cidfile?: string
  // A pod name/ID; 'new:NAME' is handled by the caller (it creates the pod first).
  pod?: string
  network?: string
  ipc?: string
  pid?: string
  uts?: string
  requires?: string[]
  volumes?: string[]
  // --mount type=volume|bind,…
  mounts?: string[]
  volumesFrom?: string[]
  autoRemove?: boolean
  hostname?: string
  // --env-file files, read before -e (which wins).
  envFiles?: string[]
  // -u, -w, --entrypoint, --cap-*, --tmpfs, --ulimit, --add-host, --dns*, --restart, …
  process?: ProcessOptionsInput
  // --network may be repeated (NAME:alias=…,ip=…).
  networks?: string[]
  // -p/--publish [ip:]host:container[/proto]
  publish?: string[]
}

export interface VolumeUse { name: string, destination: string, readOnly: boolean, create: false | 'named' | 'anonymous' }

// Everything create decided, before any side effect.
export interface CreatePlan {
  name: string
  image: ImageRecord | null
  pod: PodRecord | null
  stopSignal: string
  namespaces: ContainerRecord['namespaces']
  deps: Omit<DependencyRecord, 'containerId'>[]
  volumes: VolumeUse[]
  binds: BindMount[]
  cidfile: string | null
  // CNI networks to attach at start, in order (eth0, eth1, …); empty without CNI.
  networks: string[]
  // Per CNI network: the static IP and the DNS aliases (--network-alias included).
  networkOptions: Record<string, NetworkOptions>
  process: ProcessOptions
  // The process: the image config under the options (an infra's command is create's).
  command: string[]
  env: string[]
  cwd: string
  exposedPorts: string[]
  hostname: string | null
  // Published ports, set up on the first network by the portmap plugin.
  ports: PortMapping[]
}

const SHARE_TO_KIND = { net: 'network', ipc: 'ipc', uts: 'uts', pid: 'pid' } as const

// A reference to another container, resolved for create: a miss is a create error (125).
function resolveTarget (host: Host, ref: string, what: string): ContainerRecord {
  try {
    return resolveContainer(host.store, ref)
  } catch (err) {
    if (isPodctlError(err) && err.code === 'NO_SUCH_CONTAINER') throw invalidArgument(`${what}: ${err.message}`)
    throw err
  }
}

// Validates every option and resolves every reference; throws before anything is created.
export function planCreate (host: Host, o: CreateContainerOptions, infraOf?: PodRecord): CreatePlan {
  const { store } = host
  if (o.name !== undefined) {
    try { validateName(o.name) } catch { throw invalidArgument('running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument') }
    const other = findContainerByName(store, o.name)
    if (other !== undefined) throw new PodctlError('NAME_IN_USE', `creating container storage: the container name "${o.name}" is already in use by ${other.id}. You have to remove that container to be able to reuse that name: that name is already in use`)
  }
  if (o.stopSignal !== undefined) parseSignal(o.stopSignal)
  if (o.stopTimeout !== undefined && (!Number.isSafeInteger(o.stopTimeout) || o.stopTimeout < 0)) throw invalidArgument(`invalid stop timeout ${String(o.stopTimeout)}: must be a non-negative whole number of seconds`)
  const processOptions = parseProcessOptions(o.process ?? {})
  const givenEnv = [...(o.envFiles ?? []).flatMap(f => readEnvFile(f)), ...(o.env ?? [])]
  for (const e of givenEnv) if (e.startsWith('=') || e === '') throw invalidArgument(`invalid environment variable ${JSON.stringify(e)}`)
  const image = infraOf !== undefined ? null : resolveImage(store, o.image ?? '')
  // The image config under the options (Entrypoint/Cmd, Env, WorkingDir, User, StopSignal).
  const fromImage = infraOf !== undefined
    ? null
    : resolveImageProcess(image, {
      command: o.command, entrypoint: processOptions.entrypoint, env: givenEnv,
      ...(processOptions.workdir === undefined ? {} : { workdir: processOptions.workdir }),
      ...(processOptions.user === undefined ? {} : { user: processOptions.user }),
      ...(o.stopSignal === undefined ? {} : { stopSignal: o.stopSignal }),
    }, DEFAULT_ENV)
  const command = fromImage?.args ?? []
  const env = fromImage?.env ?? mergeEnv(DEFAULT_ENV, givenEnv)
  const cwd = fromImage?.cwd ?? '/'
  const exposedPorts = fromImage?.exposedPorts ?? []
  if (fromImage !== null) {
    // Resolved at start through the container's /etc/passwd and /etc/group; inspect shows
    // the entrypoint in effect.
    if (fromImage.user !== '') processOptions.user = fromImage.user
    if (fromImage.entrypoint.length > 0) processOptions.entrypoint = fromImage.entrypoint
    else delete processOptions.entrypoint
  }
  const stopSignal = parseSignal(fromImage?.stopSignal ?? o.stopSignal ?? 'SIGTERM').name
  const pod = infraOf ?? (o.pod === undefined ? null : resolvePod(store, o.pod))

  const namespaces: ContainerRecord['namespaces'] = {}
  const deps: Omit<DependencyRecord, 'containerId'>[] = []
  const given: Record<'network' | 'ipc' | 'pid' | 'uts', NamespaceMode> = {
    network: parseNetworkMode(o.networks ?? o.network), ipc: parseNamespaceMode('ipc', o.ipc), pid: parseNamespaceMode('pid', o.pid), uts: parseNamespaceMode('uts', o.uts),
  }
  const networks: string[] = []
  const networkOptions: Record<string, NetworkOptions> = {}
  const sharedWithInfra = new Set<string>()
  if (pod !== null && infraOf === undefined && pod.infraId !== null) {
    for (const s of pod.shared) if (s in SHARE_TO_KIND) sharedWithInfra.add(SHARE_TO_KIND[s as keyof typeof SHARE_TO_KIND])
    deps.push({ dependsOn: pod.infraId, kind: 'infra' })
  }
  for (const kind of ['network', 'ipc', 'pid', 'uts'] as const) {
    const m = given[kind]
    if (sharedWithInfra.has(kind)) {
      const flag = kind
      if ({ network: o.network, ipc: o.ipc, pid: o.pid, uts: o.uts }[kind] !== undefined) throw invalidArgument(`--${flag} cannot be set for a container in pod ${pod!.name}: the pod shares its ${kind} namespace`)
      namespaces[kind] = `container:${pod!.infraId!}`
      continue
    }
    if (m.kind === 'container') {
      const t = resolveTarget(host, m.ref, `--${kind} container:${m.ref}`)
      namespaces[kind] = storedMode(m, t.id)
      deps.push({ dependsOn: t.id, kind })
    } else {
      namespaces[kind] = storedMode(m)
      if (m.kind === 'cni') {
        networks.push(...m.networks)
        for (const n of m.networks) {
          const own = m.options?.[n]
          networkOptions[n] = { ...(own?.ip === undefined ? {} : { ip: own.ip }), aliases: [...new Set([...(own?.aliases ?? []), ...processOptions.networkAliases])] }
        }
      }
    }
  }
  for (const ref of o.requires ?? []) {
    for (const r of ref.split(',').filter(Boolean)) deps.push({ dependsOn: resolveTarget(host, r, `--requires ${r}`).id, kind: 'requires' })
  }

  const volumes: VolumeUse[] = []
  const binds: BindMount[] = []
  const seen = new Set<string>(processOptions.tmpfs.map(t => t.destination))
  if (seen.size !== processOptions.tmpfs.length) throw invalidArgument('--tmpfs: duplicate mount destination')
  const claim = (d: string): void => {
    if (seen.has(d)) throw invalidArgument(`${d}: duplicate mount destination`)
    seen.add(d)
  }
  for (const v of [...(o.volumes ?? []).map(parseVolumeArg), ...(o.mounts ?? []).map(parseMountArg)]) {
    claim(v.destination)
    if (v.kind === 'tmpfs') processOptions.tmpfs.push({ destination: v.destination, options: v.options })
    else if (v.kind === 'bind') binds.push({ source: v.source, destination: v.destination, readOnly: v.readOnly })
    else if (v.kind === 'named') volumes.push({ name: v.name, destination: v.destination, readOnly: v.readOnly, create: hasVolume(store, v.name) ? false : 'named' })
    else volumes.push({ name: '', destination: v.destination, readOnly: v.readOnly, create: 'anonymous' })
  }
  for (const arg of o.volumesFrom ?? []) {
    const { ref, readOnly } = parseVolumesFrom(arg)
    const src = resolveTarget(host, ref, `--volumes-from ${ref}`)
    for (const cv of listContainerVolumes(store, src.id)) {
      if (seen.has(cv.destination)) continue
      claim(cv.destination)
      volumes.push({ name: cv.volumeName, destination: cv.destination, readOnly: readOnly ?? false, create: false })
    }
    for (const b of readConfig(src).binds) {
      if (seen.has(b.destination)) continue
      claim(b.destination)
      binds.push({ ...b, readOnly: readOnly ?? b.readOnly === true })
    }
  }

  let cidfile: string | null = null
  if (o.cidfile !== undefined) {
    if (o.cidfile === '') throw invalidArgument('--cidfile must not be empty')
    cidfile = path.resolve(o.cidfile)
    if (fs.existsSync(cidfile)) throw invalidArgument(`container id file exists. Ensure another container is not using it or delete it: ${cidfile}`)
    if (!fs.existsSync(path.dirname(cidfile))) throw invalidArgument(`opening cidfile: open ${cidfile}: no such file or directory`)
  }
  if (processOptions.networkAliases.length > 0 && networks.length === 0) throw invalidArgument('--network-alias requires a user-defined network: invalid argument')
  let hostname: string | null = null
  if (o.hostname !== undefined) {
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/.test(o.hostname)) throw invalidArgument(`invalid hostname ${JSON.stringify(o.hostname)}`)
    if (namespaces.uts !== 'private') throw invalidArgument('invalid config provided: cannot set hostname when running in the host UTS namespace or sharing one: invalid configuration')
    hostname = o.hostname
  }
  const ports = planPorts(host, o, namespaces, sharedWithInfra.has('network'))
  const name = o.name ?? (infraOf !== undefined ? `${infraOf.id.slice(0, 12)}-infra` : generateName(store))
  return { name, image, pod, stopSignal, namespaces, deps, volumes, binds, cidfile, networks, networkOptions, process: processOptions, command, env, cwd, exposedPorts, hostname, ports }
}

// Ports need the container's own CNI netns. As in Podman: a pod member's ports belong to
// the pod (an error), and with host, none or another container's netns they are dropped.
function planPorts (host: Host, o: CreateContainerOptions, namespaces: ContainerRecord['namespaces'], inPodNetns: boolean): PortMapping[] {
  const ports = parsePublishList(o.publish ?? [])
  if (ports.length === 0) return ports
  if (inPodNetns) throw invalidArgument('invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod')
  if (namespaces.network !== 'bridge') {
    host.log.warn('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use')
    return []
  }
  return ports
}
