import { readConfig } from '../containers/container-config.js'
import { runtimeFor } from '../containers/host-runtime.js'
import { stopContainer } from '../containers/stop-container.js'
import { removeVolumeData, teardownContainerStorage } from '../containers/teardown.js'
import type { Host } from '../host.js'
import { CNIEnv } from '../network/index.js'
import type { DetachRequest } from '../network/index.js'
import { listContainerAttachments, netnsPathOf } from '../state/attachment-rows.js'
import type { ContainerRecord } from '../state/types.js'
import type { RemovalBackend } from './backend.js'
import { withFaultInjection } from './fault-injection.js'

// The real parts: OCI runtime stop/delete, CNIEnv detach (DEL + netns removal), overlay
// and directory teardown, volume data. Each call is idempotent (see teardown.ts, cni-env.ts)
// and every external command it runs ends when the step's signal aborts.
// PODCTL_FAULT (tests only, see fault-injection.ts) wraps it in fault points.
export function createHostBackend (host: Host): RemovalBackend {
  return withFaultInjection(createPlainHostBackend(host))
}

function createPlainHostBackend (host: Host): RemovalBackend {
  return {
    async stop (c, timeoutSec, signal) {
      await stopContainer(host, c, timeoutSec === undefined ? { signal } : { timeoutSec, signal })
    },
    async detachNetwork (c, signal) {
      const requests = networkRequests(host, c)
      // Attach needs attachment rows and records the netns path first, so a container with
      // neither (pod members, container:X, none/host) never had CNI state of its own.
      // Read now, not from the plan: a start that raced the claim may have set it since.
      if (requests.length === 0 && (netnsPathOf(host.store, c.id) ?? c.netnsPath) === null) return
      const cni = new CNIEnv({ config: host.config, log: host.log, store: () => host.store, signal })
      await cni.detach(c.id, requests.length === 0 ? undefined : requests)
    },
    async deleteRuntime (c, signal) {
      await runtimeFor(host, signal).delete(c.id)
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
// The first carries the published ports: portmap's DEL needs them to find its rules.
function networkRequests (host: Host, c: ContainerRecord): DetachRequest[] {
  const ports = readConfig(c).ports ?? []
  return listContainerAttachments(host.store, c.id).map((r, i) => ({ name: r.network, ifname: r.ifname, ...(i === 0 && ports.length > 0 ? { portMappings: ports } : {}) }))
}
