import { deleteRuntimeContainer, removeVolumeData, stopContainer, teardownContainerStorage } from '../containers/teardown.js'
import type { Host } from '../host.js'
import { CNIEnv } from '../network/index.js'
import type { DetachRequest } from '../network/index.js'
import type { ContainerRecord } from '../state/types.js'
import type { RemovalBackend } from './backend.js'
import { withFaultInjection } from './fault-injection.js'

// The real parts: OCI runtime stop/delete, CNIEnv detach (DEL + netns removal), overlay
// and directory teardown, volume data. Each call is idempotent (see teardown.ts, cni-env.ts).
// PODCTL_FAULT (tests only, see fault-injection.ts) wraps it in fault points.
export function createHostBackend (host: Host): RemovalBackend {
  return withFaultInjection(createPlainHostBackend(host))
}

function createPlainHostBackend (host: Host): RemovalBackend {
  let cni: CNIEnv | undefined
  return {
    async stop (c, timeoutSec) {
      await stopContainer(host, c, timeoutSec === undefined ? {} : { timeoutSec })
    },
    async detachNetwork (c) {
      const requests = networkRequests(host, c)
      // Attach needs attachment rows and records the netns path first, so a container with
      // neither (pod members, container:X, none/host) never had CNI state of its own.
      // Read now, not from the plan: a start that raced the claim may have set it since.
      const row = host.store.db.prepare('SELECT netns_path AS p FROM containers WHERE id = ?').get(c.id) as { p: string | null } | undefined
      if (requests.length === 0 && (row?.p ?? c.netnsPath) === null) return
      cni ??= CNIEnv.fromHost(host)
      await cni.detach(c.id, requests.length === 0 ? undefined : requests)
    },
    async deleteRuntime (c) {
      await deleteRuntimeContainer(host, c.id)
    },
    async teardownStorage (c) {
      await teardownContainerStorage(host, c)
    },
    async removeVolumeData (name) {
      await removeVolumeData(host, name)
    },
  }
}

// The attachments recorded for the container, so DEL runs even when the CNI cache is gone.
function networkRequests (host: Host, c: ContainerRecord): DetachRequest[] {
  const rows = host.store.db.prepare('SELECT network, ifname FROM container_networks WHERE container_id = ? ORDER BY ifname').all(c.id) as { network: string, ifname: string }[]
  return rows.map(r => ({ name: r.network, ifname: r.ifname }))
}
