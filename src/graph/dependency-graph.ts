import { alg, Graph } from '@dagrejs/graphlib'

import type { DependencyKind, DependencyRecord } from '../model.js'

// Edge direction, written down once for the whole project:
//   an edge v → w means "v depends on w" (dependent → dependency).
// So w may only be removed after v is gone: successors(v) are what v depends on,
// predecessors(w) are w's dependents, and dependents come first in removal order.
export type DependencyGraph = Graph<unknown, unknown, DependencyKind[]>

// Builds the graph from container ids and container_deps rows; rows naming an unknown
// container still add that node, so nothing a row mentions is silently dropped.
export function buildDependencyGraph (ids: Iterable<string>, deps: Iterable<DependencyRecord>): DependencyGraph {
  const g: DependencyGraph = new Graph({ directed: true })
  for (const id of ids) g.setNode(id)
  for (const d of deps) {
    const kinds = (g.edge(d.containerId, d.dependsOn) as DependencyKind[] | undefined) ?? []
    if (!kinds.includes(d.kind)) g.setEdge(d.containerId, d.dependsOn, [...kinds, d.kind].sort())
  }
  return g
}

export function dependentsOf (g: DependencyGraph, id: string): string[] {
  return g.predecessors(id) ?? []
}

export function dependenciesOf (g: DependencyGraph, id: string): string[] {
  return g.successors(id) ?? []
}

export function edgeKinds (g: DependencyGraph, dependent: string, dependency: string): DependencyKind[] {
  return (g.edge(dependent, dependency) as DependencyKind[] | undefined) ?? []
}

// The targets plus everything that (transitively) depends on them: what --depend removes.
// Iterative, so a 100k-long chain cannot overflow the stack.
export function closeOverDependents (g: DependencyGraph, targets: Iterable<string>): Set<string> {
  const seen = new Set<string>()
  const stack: string[] = []
  for (const t of targets) {
    if (!seen.has(t)) { seen.add(t); stack.push(t) }
  }
  while (stack.length > 0) {
    const id = stack.pop()!
    for (const dep of dependentsOf(g, id)) {
      if (!seen.has(dep)) { seen.add(dep); stack.push(dep) }
    }
  }
  return seen
}

// Every dependency cycle among the given nodes, one per strongly connected component,
// as a path in dependency direction starting at its smallest id (a depends on b, b on
// c, c on a → [a, b, c]): the shortest cycle through that id. Sorted by first id.
export function findDependencyCycles (g: DependencyGraph, among?: Iterable<string>): string[][] {
  const sub = among === undefined ? g : subgraph(g, new Set(among))
  return alg.findCycles(sub as unknown as Graph)
    .map(scc => shortestCycleThrough(sub, new Set(scc), [...scc].sort()[0]!))
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
}

// Breadth-first inside one component from start back to start.
function shortestCycleThrough (g: DependencyGraph, scc: ReadonlySet<string>, start: string): string[] {
  const parent = new Map<string, string>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!
    for (const w of dependenciesOf(g, v)) {
      if (!scc.has(w)) continue
      if (w === start) {
        const path = [v]
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!)
        return path
      }
      if (!parent.has(w) && w !== start) { parent.set(w, v); queue.push(w) }
    }
  }
  return [...scc].sort()
}

export function subgraph (g: DependencyGraph, keep: ReadonlySet<string>): DependencyGraph {
  return g.filterNodes(v => keep.has(v))
}
