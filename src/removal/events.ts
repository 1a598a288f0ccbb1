// One machine-readable event per finished step, in the order steps happen.
export const REMOVAL_STEPS = ['claimed', 'stopped', 'network-detached', 'runtime-deleted', 'storage-removed', 'volumes-removed', 'deleted', 'failed', 'pod-deleted'] as const
export type RemovalStep = typeof REMOVAL_STEPS[number]

export interface RemovalEvent {
  ts: number
  // Container ID; for 'pod-deleted' the pod ID.
  container: string
  step: RemovalStep
  error?: string
}

export type RemovalEventListener = (event: RemovalEvent) => void
