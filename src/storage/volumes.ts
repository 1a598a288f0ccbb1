import fs from 'node:fs'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { generateId, validateName } from '../ids.js'
import type { Labels, VolumeRecord } from '../state/types.js'
import { deleteVolumeRow, getVolume, insertVolume, listVolumes, listVolumeUsers, noSuchVolume, resolveVolume, volumeExists } from '../state/volume-rows.js'
import { removeTree } from './atomic-file.js'
import { paths } from './paths.js'

export interface VolumeSpec { name?: string, labels?: Labels, anonymous?: boolean }

// Builds the record for a new volume and makes its _data dir; the caller inserts the row
// (alone, or in the same transaction as the container that uses it).
export function prepareVolume (host: Host, spec: VolumeSpec): VolumeRecord {
  const name = spec.name === undefined ? generateId() : validateName(spec.name, 'volume names')
  fs.mkdirSync(paths.volumeData(host.config, name), { recursive: true, mode: 0o755 })
  return { name, anonymous: spec.anonymous === true, mountpoint: paths.volumeData(host.config, name), createdAt: Date.now(), labels: spec.labels ?? {} }
}

// Removes the dirs of a prepared volume unless a row for it exists by now.
export function discardPreparedVolume (host: Host, name: string): void {
  if (getVolume(host.store, name) === undefined) removeTree(paths.volume(host.config, name))
}

export function createVolume (host: Host, spec: VolumeSpec): VolumeRecord {
  if (spec.name !== undefined && getVolume(host.store, validateName(spec.name, 'volume names')) !== undefined) throw volumeExists(spec.name)
  const v = prepareVolume(host, spec)
  let ok = false
  try {
    host.store.write(() => insertVolume(host.store, v))
    ok = true
    return v
  } finally {
    if (!ok) discardPreparedVolume(host, v.name)
  }
}

// Removes a volume not used by any container; rows first, then the data.
export function removeVolume (host: Host, name: string): VolumeRecord {
  const v = host.store.write(() => {
    const vol = resolveVolume(host.store, name)
    const users = listVolumeUsers(host.store, name)
    if (users.length > 0) {
      throw new PodctlError('IN_USE', `volume ${name} is being used by the following container(s): ${users.join(', ')}: volume is being used`, { hint: 'remove those containers first (podctl rm -f)' })
    }
    deleteVolumeRow(host.store, name)
    return vol
  })
  removeTree(paths.volume(host.config, v.name))
  return v
}

// Removes every volume no container uses (and that `select` picks); returns their names.
// The choice and the row deletes are one transaction: a volume that gains a user
// meanwhile is not removed.
export function pruneVolumes (host: Host, select: (volumes: readonly VolumeRecord[]) => (v: VolumeRecord) => boolean = () => () => true): string[] {
  const removed = host.store.write(() => {
    const all = listVolumes(host.store)
    const picked = select(all)
    const unused = all.filter(v => picked(v) && listVolumeUsers(host.store, v.name).length === 0)
    for (const v of unused) deleteVolumeRow(host.store, v.name)
    return unused.map(v => v.name)
  })
  for (const n of removed) removeTree(paths.volume(host.config, n))
  return removed
}

// Podman's `volume inspect` fields.
export function toVolumeView (v: VolumeRecord): Record<string, unknown> {
  return {
    Name: v.name, Driver: 'local', Mountpoint: v.mountpoint, CreatedAt: new Date(v.createdAt).toISOString(),
    Labels: v.labels, Scope: 'local', Options: {}, Anonymous: v.anonymous, MountCount: 0,
  }
}

// `volume ls`: the volumes the filter picks (it is given every volume and each one's user
// count), in one read of the state.
export function listVolumesMatching (host: Host, select: (volumes: readonly VolumeRecord[], userCount: (name: string) => number) => (v: VolumeRecord) => boolean): VolumeRecord[] {
  const { store } = host
  return store.read(() => {
    const all = listVolumes(store)
    return all.filter(select(all, n => listVolumeUsers(store, n).length))
  })
}

// `volume inspect`: the views of the named volumes, and a "no such volume" for each miss.
export function inspectVolumes (host: Host, names: readonly string[]): { views: Record<string, unknown>[], errors: PodctlError[] } {
  const out: { views: Record<string, unknown>[], errors: PodctlError[] } = { views: [], errors: [] }
  host.store.read(() => {
    for (const n of names) {
      const v = getVolume(host.store, n)
      if (v === undefined) out.errors.push(noSuchVolume(n))
      else out.views.push(toVolumeView(v))
    }
  })
  return out
}
