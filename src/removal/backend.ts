import type { Host } from '../host.js'
import type { ContainerRecord } from '../state/types.js'

// The host effects of removing one container, in DESIGN 3.4 order. Every method is
// idempotent: "already stopped / detached / deleted / gone" resolves, never rejects.
export interface RemovalBackend {
  // timeoutSec undefined: the container's own stop timeout.
  stop (c: ContainerRecord, timeoutSec: number | undefined, signal: AbortSignal): Promise<void>
  detachNetwork (c: ContainerRecord, signal: AbortSignal): Promise<void>
  deleteRuntime (c: ContainerRecord, signal: AbortSignal): Promise<void>
  teardownStorage (c: ContainerRecord, signal: AbortSignal): Promise<void>
  removeVolumeData (name: string, signal: AbortSignal): Promise<void>
}

export type RemovalBackendFactory = (host: Host) => RemovalBackend
