import type { Host } from '../host.js'
import { startContainer } from '../containers/start-container.js'
import { stopContainer } from '../containers/stop-container.js'
import type { StopOutcome } from '../containers/stop-container.js'
import { getContainer, listPodContainers } from '../state/container-rows.js'
import type { PodRecord } from '../state/types.js'

export interface PodActionResult { errors: unknown[] }

// Starts the infra container first, then every member; collects per-container errors.
export async function startPod (host: Host, pod: PodRecord): Promise<PodActionResult> {
  const errors: unknown[] = []
  const members = listPodContainers(host.store, pod.id)
  const ordered = [...members.filter(c => c.isInfra), ...members.filter(c => !c.isInfra)]
  for (const m of ordered) {
    const c = getContainer(host.store, m.id)
    if (c === undefined || c.state === 'running') continue
    try { await startContainer(host, c) } catch (err) { errors.push(err) }
  }
  return { errors }
}

// Stops the members in parallel, then the infra container (it holds their namespaces).
export async function stopPod (host: Host, pod: PodRecord, opts: { timeoutSec?: number } = {}): Promise<PodActionResult & { outcomes: Map<string, StopOutcome> }> {
  const errors: unknown[] = []
  const outcomes = new Map<string, StopOutcome>()
  const members = listPodContainers(host.store, pod.id)
  const stopOne = async (id: string): Promise<void> => {
    const c = getContainer(host.store, id)
    if (c === undefined) return
    try { outcomes.set(id, await stopContainer(host, c, opts)) } catch (err) { errors.push(err) }
  }
  await Promise.all(members.filter(c => !c.isInfra).map(c => stopOne(c.id)))
  for (const c of members.filter(m => m.isInfra)) await stopOne(c.id)
  return { errors, outcomes }
}
