import fs from 'node:fs'
import path from 'node:path'

import { runtimeFor } from '../containers/host-runtime.js'
import type { Host } from '../host.js'
import { netnsPathFor } from '../network/index.js'
import { networkLockPath } from '../network/container-lock.js'
import { removeNetns } from '../network/netns.js'
import { execCommand } from '../process/exec-command.js'
import type { RuntimeState } from '../runtime/oci-runtime.js'
import { removeTree } from '../storage/atomic-file.js'
import { listMountPoints } from '../storage/overlay.js'
import { paths } from '../storage/paths.js'
import type { RowSnapshot } from './host-scan.js'
import { listDir, mountsUnder, ownerIdOf } from './host-scan.js'
import type { Problem } from './types.js'

const UMOUNT_TIMEOUT_MS = 30_000

// Runtime containers under podctl's runtime root that no row owns: runc delete --force.
export function findOrphanRuntime (host: Host, rows: RowSnapshot, runtime: ReadonlyMap<string, RuntimeState>): Problem[] {
  return [...runtime.values()].filter(st => !rows.containers.has(st.id)).map(st => ({
    kind: 'orphan-runtime-container', object: st.id,
    detail: `runtime container ${st.id} (${st.status}, pid ${st.pid}) has no container row`,
    repair: async () => { await runtimeFor(host).delete(st.id) },
  }))
}

// Mounts under <root>/storage whose container has no row: unmount (lazily when busy).
export function findOrphanMounts (host: Host, rows: RowSnapshot, mounts: ReadonlySet<string>): Problem[] {
  const base = path.join(host.config.root, 'storage', 'containers')
  return mountsUnder(mounts, path.join(host.config.root, 'storage')).flatMap(mp => {
    const owner = ownerIdOf(base, mp)
    if (owner !== undefined && rows.containers.has(owner)) return []
    return [{ kind: 'orphan-mount' as const, object: mp, detail: `overlay mount ${mp} belongs to no container`, repair: () => unmount(mp, host.signal) }]
  })
}

// Container storage dirs, OCI bundle dirs, conmon exit files and network lock files no row
// owns: unmount what is inside, remove.
export function findOrphanDirs (host: Host, rows: RowSnapshot): Problem[] {
  const out: Problem[] = []
  const locks = path.dirname(networkLockPath(host.config.runroot, 'x'))
  const roots = [path.join(host.config.root, 'storage', 'containers'), path.join(host.config.runroot, 'containers'), paths.exitDir(host.config), locks]
  for (const base of roots) {
    for (const name of listDir(base)) {
      if (rows.containers.has(name)) continue
      // A lock file beside its netns goes with the orphan-netns repair.
      if (base === locks && fs.existsSync(netnsPathFor(host.config.runroot, name))) continue
      const dir = path.join(base, name)
      out.push({
        kind: 'orphan-storage', object: dir, detail: `${base === paths.exitDir(host.config) ? 'exit file' : base === locks ? 'network lock file' : 'directory'} ${dir} belongs to no container`,
        repair: async () => {
          for (const mp of mountsUnder(listMountPoints(), dir)) await unmount(mp, host.signal)
          removeTree(dir)
        },
      })
    }
  }
  return out
}

// Netns files under <runroot>/netns that no row names (as its own or its ID's path).
export function findOrphanNetns (host: Host, rows: RowSnapshot): Problem[] {
  const dir = path.join(host.config.runroot, 'netns')
  return listDir(dir).flatMap(name => {
    const file = path.join(dir, name)
    if (rows.netnsPaths.has(file) || (rows.containers.has(name) && file === netnsPathFor(host.config.runroot, name))) return []
    return [{ kind: 'orphan-netns' as const, object: file, detail: `network namespace ${file} belongs to no container`, repair: async () => {
        await removeNetns(file)
        if (!rows.containers.has(name)) fs.rmSync(networkLockPath(host.config.runroot, name), { force: true })
      } }]
  })
}

async function unmount (mp: string, signal: AbortSignal): Promise<void> {
  const opts = { timeoutMs: UMOUNT_TIMEOUT_MS, code: 'STORAGE_FAILED' as const, signal }
  for (let i = 0; i < 8 && listMountPoints().has(mp); i++) {
    try {
      await execCommand('umount', [mp], opts)
    } catch {
      await execCommand('umount', ['-l', mp], opts)
    }
  }
}
