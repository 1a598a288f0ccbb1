import type { Host } from '../host.js'
import { createContainer } from '../containers/create-container.js'
import type { CreateContainerOptions } from '../containers/create-container.js'
import { getPod } from '../state/pod-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { createPod, rollbackPod } from './create-pod.js'

// create/run entry point: handles --pod new:NAME (creates the pod first, and removes it
// again when the container cannot be created).
export async function createContainerWithPod (host: Host, o: CreateContainerOptions): Promise<ContainerRecord> {
  if (o.pod === undefined || !o.pod.startsWith('new:')) return await createContainer(host, o)
  const pod = await createPod(host, { name: o.pod.slice('new:'.length) })
  let ok = false
  try {
    const c = await createContainer(host, { ...o, pod: pod.id })
    ok = true
    return c
  } finally {
    if (!ok) await rollbackPod(host, getPod(host.store, pod.id) ?? pod)
  }
}
