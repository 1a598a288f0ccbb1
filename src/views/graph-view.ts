import type { Host } from '../host.js'
import { buildDependencyGraph, edgeKinds } from '../graph/dependency-graph.js'
import { listContainers, listDependencies } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'

export interface GraphView {
  containers: ContainerRecord[]
  // Dependent → dependency, with the kinds of dependency, sorted.
  edges: { from: string, to: string, kinds: string[] }[]
}

// The whole dependency graph as `podctl graph` shows it (edges from dependent to dependency).
export function describeDependencyGraph (host: Host): GraphView {
  const { store } = host
  const { containers, deps } = store.read(() => ({ containers: listContainers(store), deps: listDependencies(store) }))
  const g = buildDependencyGraph(containers.map(c => c.id), deps)
  const edges = g.edges().map(e => ({ from: e.v, to: e.w, kinds: edgeKinds(g, e.v, e.w) }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
  return { containers, edges }
}
