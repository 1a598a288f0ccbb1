import { errorMessage } from '../errors.js'
import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import type { RemovalBackendFactory } from './index.js'
import { exitedAutoRemoveIds } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { refreshContainerStates } from '../containers/refresh-state.js'

// Removes --rm containers through the removal engine (force, anonymous volumes too, as
// Podman's --rm). A concurrent `rm` of the same container is fine: the engine's claim lets
// one process do the steps and the other sees it gone. Returns the IDs removed here; a
// failure is logged, never thrown: the container stays for the next observer or `rm`.
// The engine and its host backend (runtime, network, storage) are imported only when there
// is something to remove: every command that lists containers observes them first.
export async function removeAutoRemoved (host: Host, ids: readonly ContainerId[], backend?: RemovalBackendFactory): Promise<string[]> {
  if (ids.length === 0) return []
  try {
    const { executeRemoval, prepareRemoval } = await import('./index.js')
    const makeBackend = backend ?? (await import('./host-backend.js')).createHostBackend
    const prep = prepareRemoval(host.store, { mode: 'rm', targets: ids.map(id => ({ id })), force: true, depend: false, volumes: true })
    const report = await executeRemoval(host, prep, { backend: makeBackend(host) })
    for (const c of report.containers) {
      if (c.outcome.status === 'failed') host.log.warn(`removing --rm container ${c.id}: ${c.outcome.error.message}`)
    }
    return report.containers.filter(c => c.outcome.status === 'removed').map(c => c.id)
  } catch (err) {
    host.log.warn(`removing --rm containers: ${errorMessage(err)}`)
    return []
  }
}

// --rm containers that ran and exited (a created, never started one stays).
export function exitedAutoRemove (host: Host): ContainerId[] {
  return exitedAutoRemoveIds(host.store)
}

// What every podctl command that looks at containers calls first: rows that say running
// are checked against the runtime (refreshContainerStates), and --rm containers found
// exited are removed. This is where a detached `run --rm` or a `start`ed --rm container
// goes once it exits, without a watcher process. A read-only state (store.readOnly) is
// left as recorded: nothing is refreshed or removed, the caller shows the rows as they are.
export async function observeContainers (host: Host, only?: readonly ContainerRecord[], backend?: RemovalBackendFactory): Promise<number> {
  if (host.store.readOnly) return 0
  const changed = await refreshContainerStates(host, only)
  await removeAutoRemoved(host, exitedAutoRemove(host), backend)
  return changed
}
