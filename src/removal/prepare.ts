import type { ContainerId } from '../ids.js'
import type { PodctlError } from '../errors.js'
import type { DependencyGraph } from '../graph/dependency-graph.js'
import { buildDependencyGraph, closeOverDependents } from '../graph/dependency-graph.js'
import type { RemovalPlan } from '../graph/removal-plan.js'
import { planRemoval } from '../graph/removal-plan.js'
import { liveClaimOwner } from '../state/claims.js'
import { listContainers, listDependencies } from '../state/container-rows.js'
import { listPods } from '../state/pod-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import type { ContainerRecord, PodRecord } from '../state/types.js'
import { listAnonymousVolumeUses } from '../state/volume-rows.js'
import { dependencyCycle, hasDependents, infraOutsidePod, runningWithoutForce } from './messages.js'

// A container to remove; `input` is the reference as typed (printed back on success).
export interface RemovalTarget {
  id: ContainerId
  input?: string
}

export interface RemovalRequest {
  mode: 'rm' | 'pod-rm'
  targets: readonly RemovalTarget[]
  // pod rm: the pods to remove, each with all its members.
  pods?: readonly PodRecord[]
  force: boolean
  depend: boolean
  // Remove anonymous volumes no other container uses (-v; always for pod rm).
  volumes: boolean
}

// Everything decided before the first side effect.
export interface PreparedRemoval {
  request: RemovalRequest
  graph: DependencyGraph
  plan: RemovalPlan
  // Every container this run will try to remove, by ID.
  containers: Map<string, ContainerRecord>
  inputs: Map<string, string>
  // Pods whose row goes with their last member.
  pods: Map<string, PodRecord>
  // Validation failures: these containers are not touched, and they poison what they depend on.
  preErrors: Map<string, PodctlError>
  // Anonymous volumes per container, and how many containers (any, not only targets) use each.
  volumesOf: Map<string, string[]>
  volumeUsers: Map<string, number>
}

// Reads the state once, closes over dependents and pods, plans and validates.
export function prepareRemoval (store: StateStore, request: RemovalRequest): PreparedRemoval {
  return store.read(() => {
    const all = new Map(listContainers(store).map(c => [c.id as string, c]))
    const allPods = new Map(listPods(store).map(p => [p.id as string, p]))
    const graph = buildDependencyGraph(all.keys(), listDependencies(store))
    const members = new Map<string, string[]>()
    for (const c of all.values()) if (c.podId !== null) members.set(c.podId, [...(members.get(c.podId) ?? []), c.id])

    const pods = new Map<string, PodRecord>()
    for (const p of request.pods ?? []) pods.set(p.id, p)
    let set = new Set<string>(request.targets.map(t => t.id))
    for (const p of pods.keys()) for (const m of members.get(p) ?? []) set.add(m)
    if (request.depend) {
      // Removing an infra container with --depend takes its whole pod along.
      for (let grew = true; grew;) {
        set = closeOverDependents(graph, set)
        grew = false
        for (const id of set) {
          const c = all.get(id)
          if (c?.isInfra === true && c.podId !== null && !pods.has(c.podId)) {
            const pod = allPods.get(c.podId)
            if (pod !== undefined) pods.set(pod.id, pod)
            for (const m of members.get(c.podId) ?? []) if (!set.has(m)) { set.add(m); grew = true }
          }
        }
      }
    }
    const containers = new Map<string, ContainerRecord>()
    for (const id of set) { const c = all.get(id); if (c !== undefined) containers.set(id, c) }
    const plan = planRemoval(graph, containers.keys())
    const preErrors = validate(request, containers, pods, plan)
    const { volumesOf, volumeUsers } = request.volumes ? loadAnonymousVolumes(store, containers) : { volumesOf: new Map(), volumeUsers: new Map() }
    const inputs = new Map<string, string>()
    for (const t of request.targets) if (t.input !== undefined) inputs.set(t.id, t.input)
    return { request, graph, plan, containers, inputs, pods, preErrors, volumesOf, volumeUsers }
  })
}

function validate (req: RemovalRequest, containers: Map<string, ContainerRecord>, pods: Map<string, PodRecord>, plan: RemovalPlan): Map<string, PodctlError> {
  const errors = new Map<string, PodctlError>()
  for (const c of containers.values()) {
    if (req.mode === 'rm' && c.isInfra && c.podId !== null && !pods.has(c.podId)) {
      errors.set(c.id, infraOutsidePod(c.id, c.podId))
      continue
    }
    const outside = plan.outsideDependents[c.id]
    if (outside !== undefined) {
      errors.set(c.id, hasDependents(c.id, outside))
      continue
    }
    const exemptInfra = req.mode === 'pod-rm' && c.isInfra
    if (!req.force && !exemptInfra && c.state === 'running' && liveClaimOwner(c) === undefined) {
      errors.set(c.id, runningWithoutForce(c.id, c.state))
    }
  }
  for (const cycle of plan.cycles) for (const id of cycle) if (!errors.has(id)) errors.set(id, dependencyCycle(id, cycle))
  return errors
}

function loadAnonymousVolumes (store: StateStore, containers: Map<string, ContainerRecord>): { volumesOf: Map<string, string[]>, volumeUsers: Map<string, number> } {
  const uses = listAnonymousVolumeUses(store)
  const volumesOf = new Map<string, string[]>()
  const volumeUsers = new Map<string, number>()
  for (const u of uses) if (containers.has(u.containerId)) volumesOf.set(u.containerId, [...(volumesOf.get(u.containerId) ?? []), u.volumeName])
  const wanted = new Set([...volumesOf.values()].flat())
  for (const u of uses) if (wanted.has(u.volumeName)) volumeUsers.set(u.volumeName, (volumeUsers.get(u.volumeName) ?? 0) + 1)
  return { volumesOf, volumeUsers }
}
