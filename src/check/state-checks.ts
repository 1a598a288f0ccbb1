import fs from 'node:fs'

import { readConfig } from '../containers/container-config.js'
import { refreshContainerStates } from '../containers/refresh-state.js'
import type { Host } from '../host.js'
import { createHostBackend } from '../removal/host-backend.js'
import { executeRemoval, prepareRemoval } from '../removal/index.js'
import type { RemoveReport } from '../removal/index.js'
import type { ContainerId } from '../ids.js'
import type { RuntimeState } from '../runtime/oci-runtime.js'
import { isProcessAlive } from '../runtime/proc-status.js'
import { clearPodInfra, deleteDependencyRow, getContainerPodRow, getDependencyRow, getPodInfraRow, listForeignKeyViolations } from '../state/check-rows.js'
import { liveClaimOwner } from '../state/claims.js'
import { hasContainer } from '../state/container-rows.js'
import { paths } from '../storage/paths.js'
import type { RowSnapshot } from './host-scan.js'
import type { Problem } from './types.js'

// Containers left in 'removing' by a dead process. One engine run finishes all of them
// (in dependency order); each problem's repair reports its own container's outcome.
export function findStuckRemovals (host: Host, rows: RowSnapshot): Problem[] {
  const stuck = [...rows.containers.values()].filter(c => c.state === 'removing' && liveClaimOwner(c) === undefined)
  if (stuck.length === 0) return []
  let run: Promise<RemoveReport> | undefined
  const finish = (): Promise<RemoveReport> => {
    run ??= executeRemoval(host, prepareRemoval(host.store, {
      mode: 'rm', targets: stuck.map(c => ({ id: c.id as ContainerId })), force: true, depend: false, volumes: false,
    }), { backend: createHostBackend(host) })
    return run
  }
  return stuck.map(c => ({
    kind: 'stuck-removal',
    object: c.id,
    detail: `container ${c.name} is stuck in state removing (owner pid ${c.ownerPid ?? '?'} is gone)`,
    repair: async () => {
      const outcome = (await finish()).containers.find(o => o.id === c.id)?.outcome
      if (outcome?.status === 'failed') throw outcome.error
    },
  }))
}

// Rows whose host side is gone: running without a runtime process or rootfs mount, or
// without their storage dir.
export function findBrokenRows (host: Host, rows: RowSnapshot, runtime: ReadonlyMap<string, RuntimeState>, mounts: ReadonlySet<string>): Problem[] {
  const out: Problem[] = []
  for (const c of rows.containers.values()) {
    if (c.state === 'removing') continue
    if (c.state === 'running') {
      const st = runtime.get(c.id)
      const alive = st !== undefined && st.status === 'running' && isProcessAlive(st.pid, readConfig(c).pidStart)
      if (!alive) {
        out.push({
          kind: 'stale-running', object: c.id,
          detail: `container ${c.name} is recorded as running but ${st === undefined ? 'the runtime does not know it' : 'its process is gone'}`,
          repair: async () => { await refreshContainerStates(host, [c]) },
        })
        continue
      }
      const monitor = readConfig(c).monitor
      if (monitor !== undefined && !isProcessAlive(monitor.pid, monitor.start)) {
        out.push({
          kind: 'missing-monitor', object: c.id,
          detail: `container ${c.name} is running but its conmon (pid ${monitor.pid}) is gone: its output is no longer logged and its exit code will not be recorded`,
          cannot: 'a running container is never touched by check; restart it (podctl stop, then podctl start) to give it a new conmon',
        })
      }
      if (!mounts.has(paths.containerRootfs(host.config, c.id))) {
        out.push({ kind: 'missing-mount', object: c.id, detail: `container ${c.name} is running but its rootfs ${paths.containerRootfs(host.config, c.id)} is not mounted`, cannot: 'a running container is never touched by check; stop or remove it (podctl rm -f)' })
      }
    }
    if (!fs.existsSync(paths.containerStorage(host.config, c.id))) {
      out.push({ kind: 'missing-storage', object: c.id, detail: `container ${c.name} has no storage dir ${paths.containerStorage(host.config, c.id)}`, cannot: 'its rootfs data is lost; remove the container with podctl rm -f' })
    }
  }
  return out
}

// Rows whose references point nowhere (possible only if foreign keys were off or a
// file was edited): dependency rows, pods' infra_id, containers' pod_id.
export function findDanglingRefs (host: Host): Problem[] {
  const store = host.store
  const out: Problem[] = []
  for (const r of listForeignKeyViolations(store)) {
    if (r.table === 'container_deps') {
      const d = getDependencyRow(store, r.rowid)
      if (d === undefined) continue
      const missing = hasContainer(store, d.containerId) ? d.dependsOn : d.containerId
      out.push({
        kind: 'dangling-dependency', object: d.containerId, detail: `dependency (${d.kind}) of ${d.containerId} on ${d.dependsOn}: container ${missing} does not exist`,
        repair: async () => { store.write(() => deleteDependencyRow(store, r.rowid)) },
      })
    } else if (r.table === 'pods') {
      const p = getPodInfraRow(store, r.rowid)
      if (p === undefined) continue
      out.push({
        kind: 'pod-missing-member', object: p.id, detail: `pod ${p.name} claims infra container ${p.infraId}, which does not exist`,
        repair: async () => { store.write(() => clearPodInfra(store, r.rowid)) },
      })
    } else if (r.table === 'containers') {
      const c = getContainerPodRow(store, r.rowid)
      if (c === undefined) continue
      out.push({ kind: 'dangling-pod-ref', object: c.id, detail: `container ${c.name} names pod ${c.podId ?? '?'}, which does not exist`, cannot: 'the pod is lost; remove the container with podctl rm -f' })
    } else {
      out.push({ kind: 'dangling-dependency', object: `${r.table}:${r.rowid}`, detail: `row ${r.rowid} of ${r.table} references a missing ${r.parent} row`, cannot: 'no safe automatic repair for this table' })
    }
  }
  return out
}
