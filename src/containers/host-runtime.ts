import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import { createOciRuntime } from '../runtime/exec-oci-runtime.js'
import type { CreateRequest, OciRuntime, RuntimeState } from '../runtime/oci-runtime.js'
import { paths } from '../storage/paths.js'

// The host's OCI runtime: the configured runc/crun, its state under <runroot>/runtime, the
// host's logger, and the host's signal unless the caller has one of its own.
export function runtimeFor (host: Host, signal: AbortSignal = host.signal): OciRuntime {
  return createOciRuntime({ binary: host.config.runtime, root: paths.runtimeRoot(host.config), signal, log: host.log })
}

// Where the container's runtime and monitor files go under the host's dirs.
export function createRequestFor (host: Host, c: { id: string, name: string }): CreateRequest {
  const cfg = host.config
  return {
    id: c.id, name: c.name, bundle: paths.bundle(cfg, c.id), pidFile: paths.pidFile(cfg, c.id),
    conmonPidFile: paths.conmonPidFile(cfg, c.id), runtimeLog: paths.runtimeLog(cfg, c.id), logFile: paths.containerLog(cfg, c.id),
    exitDir: paths.exitDir(cfg), exitFile: paths.exitFile(cfg, c.id), logLevel: cfg.logLevel,
  }
}

// Every container the host's runtime knows, in one exec.
export function runtimeList (host: Host): Promise<Map<string, RuntimeState>> {
  return runtimeFor(host).list()
}

// runtime delete --force; a container the runtime does not know is success.
export function deleteRuntimeContainer (host: Host, id: ContainerId): Promise<void> {
  return runtimeFor(host).delete(id)
}
