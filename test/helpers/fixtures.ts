import { generateId } from '../../src/ids.js'
import type { ContainerRecord, PodRecord } from '../../src/state/types.js'

export function containerFixture (over: Partial<ContainerRecord> = {}): ContainerRecord {
  const id = generateId<ContainerRecord['id']>()
  return {
    id, name: `c-${id.slice(0, 8)}`, imageId: null, podId: null, isInfra: false, command: ['sleep', '1000'],
    state: 'created', pid: null, exitCode: null, createdAt: Date.now(), startedAt: null, finishedAt: null,
    stopSignal: 'SIGTERM', stopTimeout: 10, labels: {}, namespaces: {}, cidfile: null, autoRemove: false,
    netnsPath: null, config: {}, ownerPid: null, ownerStart: null, removingSince: null,
    ...over,
  }
}

export function podFixture (over: Partial<PodRecord> = {}): PodRecord {
  const id = generateId<PodRecord['id']>()
  return { id, name: `p-${id.slice(0, 8)}`, createdAt: Date.now(), infraId: null, shared: [], labels: {}, podIdFile: null, config: {}, ...over }
}
