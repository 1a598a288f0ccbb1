import fs from 'node:fs'
import path from 'node:path'

import type { Host } from '../host.js'
import { listContainers } from '../state/container-rows.js'
import { listPods } from '../state/pod-rows.js'
import type { ContainerRecord, PodRecord } from '../state/types.js'

// The rows, read in one snapshot: what owns things on the host.
export interface RowSnapshot {
  containers: Map<string, ContainerRecord>
  pods: Map<string, PodRecord>
  // Every netns path a row names (its own or joined).
  netnsPaths: Set<string>
}

export function readRows (host: Host): RowSnapshot {
  return host.store.read(() => {
    const containers = new Map(listContainers(host.store).map(c => [c.id as string, c]))
    const pods = new Map(listPods(host.store).map(p => [p.id as string, p]))
    const netnsPaths = new Set([...containers.values()].flatMap(c => c.netnsPath === null ? [] : [c.netnsPath]))
    return { containers, pods, netnsPaths }
  })
}

// Directory entries, [] when the dir does not exist.
export function listDir (dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter(n => !n.startsWith('.')).sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw err
  }
}

// Mount points at or below dir (deepest first, so unmounting in order works).
export function mountsUnder (mounts: Iterable<string>, dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/'
  return [...mounts].filter(m => m.startsWith(prefix)).sort((a, b) => b.length - a.length)
}

// The 64-hex container ID a path under base belongs to (its first segment), if any.
export function ownerIdOf (base: string, p: string): string | undefined {
  const first = path.relative(base, p).split('/')[0] ?? ''
  return /^[0-9a-f]{64}$/.test(first) ? first : undefined
}
