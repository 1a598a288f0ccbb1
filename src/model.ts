// The model: containers, pods, images, volumes, dependencies and network attachments as
// podctl records them. Below the graph and the state store; both use these types.
import type { ContainerId, ImageId, PodId } from './ids.js'

export const CONTAINER_STATES = ['created', 'running', 'stopped', 'exited', 'removing'] as const
export type ContainerState = typeof CONTAINER_STATES[number]

export const DEPENDENCY_KINDS = ['network', 'ipc', 'pid', 'uts', 'requires', 'infra'] as const
export type DependencyKind = typeof DEPENDENCY_KINDS[number]

export type Labels = Record<string, string>

// Namespace modes as the user asked for them: 'container:<id>' joins another container.
export interface NamespaceModes {
  network?: string
  ipc?: string
  pid?: string
  uts?: string
}

export interface ContainerRecord {
  id: ContainerId
  name: string
  imageId: ImageId | null
  podId: PodId | null
  isInfra: boolean
  command: string[]
  state: ContainerState
  pid: number | null
  exitCode: number | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  stopSignal: string
  stopTimeout: number
  labels: Labels
  namespaces: NamespaceModes
  cidfile: string | null
  autoRemove: boolean
  netnsPath: string | null
  // Everything else create recorded (env, workdir, mounts, runtime spec inputs).
  config: Record<string, unknown>
  ownerPid: number | null
  ownerStart: string | null
  removingSince: number | null
}

export interface PodRecord {
  id: PodId
  name: string
  createdAt: number
  infraId: ContainerId | null
  shared: string[]
  labels: Labels
  podIdFile: string | null
  config: Record<string, unknown>
}

// An image: a rootfs from `image import` (random ID, files under storage/images/<id>), or an
// OCI image (ID = config digest hex, layers under storage/layers). Fields after source are
// filled when read; insert defaults them for an import.
export interface ImageRecord {
  id: ImageId
  // The first of its names ('' when it has none: a dangling image).
  name: string
  createdAt: number
  size: number
  source: string
  // Every name (repository:tag, or repository@digest for a pull by digest), in the order
  // they were added.
  names?: string[]
  // Every name it ever had, newest first (a name that moved to another image stays here).
  namesHistory?: string[]
  // The manifest digest (the manifest stored, as the registry or archive gave it), and
  // repository@digest per repository it was pulled from (what the image is known by; the
  // RepoDigests shown derive from the current names).
  digest?: string
  // The registry's digest of what the first pull named, when it is another: a manifest
  // list's (or, for an image stored before schema 5, a Docker schema 2 manifest's stored
  // converted). Podman's Digest.
  sourceDigest?: string
  repoDigests?: string[]
  // Bottom first; empty for an imported rootfs.
  layers?: ImageLayer[]
  // The OCI image config as pulled (architecture, os, config, rootfs, history, created).
  config?: Record<string, unknown>
}

export interface ImageLayer {
  // sha256 of the uncompressed tar (the config's diff_ids) and of the blob (the manifest's).
  diffId: string
  digest: string
  mediaType: string
  size: number
}

export interface VolumeRecord {
  name: string
  anonymous: boolean
  mountpoint: string
  createdAt: number
  labels: Labels
}

export interface DependencyRecord {
  containerId: ContainerId
  dependsOn: ContainerId
  kind: DependencyKind
}

export interface NetworkAttachmentRecord {
  containerId: ContainerId
  network: string
  ifname: string
  staticIp: string | null
  result: unknown
}
