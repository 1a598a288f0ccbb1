import type { DependencyGraph } from './dependency-graph.js'
import { dependenciesOf, dependentsOf, findDependencyCycles } from './dependency-graph.js'

// The plan as data: nothing here touches the host.
export interface RemovalPlan {
  // [first, then]: `first` must be gone before `then` is removed (both are targets).
  order: [string, string][]
  // Wave i holds the targets whose dependents (among the targets) are all in earlier
  // waves; shown by --dry-run. Execution does not wait for whole waves.
  waves: string[][]
  // Dependency cycles among the targets, each sorted; their members are in no wave.
  cycles: string[][]
  // Targets that could never become ready: members of a cycle or behind one.
  blocked: string[]
  // Targets with dependents that are not targets themselves: id → those dependents.
  outsideDependents: Record<string, string[]>
}

// Plans removal of exactly `targets` (the caller closes over dependents first when it
// wants --depend). Pure; O(nodes + edges) with a Kahn walk, cycles found only among
// what the walk could not reach.
export function planRemoval (graph: DependencyGraph, targets: Iterable<string>): RemovalPlan {
  const set = new Set<string>()
  for (const t of targets) if (graph.hasNode(t)) set.add(t)
  const order: [string, string][] = []
  const outsideDependents: Record<string, string[]> = {}
  const pending = new Map<string, number>()
  for (const id of set) {
    let inside = 0
    const outside: string[] = []
    for (const dep of dependentsOf(graph, id)) {
      if (set.has(dep)) { inside++; order.push([dep, id]) } else outside.push(dep)
    }
    pending.set(id, inside)
    if (outside.length > 0) outsideDependents[id] = outside.sort()
  }
  const waves: string[][] = []
  let current = [...set].filter(id => pending.get(id) === 0).sort()
  let placed = 0
  while (current.length > 0) {
    waves.push(current)
    placed += current.length
    const next: string[] = []
    for (const id of current) {
      for (const dep of dependenciesOf(graph, id)) {
        const left = pending.get(dep)
        if (left === undefined) continue
        pending.set(dep, left - 1)
        if (left === 1) next.push(dep)
      }
    }
    current = next.sort()
  }
  const blocked = placed === set.size ? [] : [...set].filter(id => (pending.get(id) ?? 0) > 0).sort()
  const cycles = blocked.length === 0 ? [] : findDependencyCycles(graph, blocked)
  // IDs are ASCII (hex, or names in tests): code-unit order, not localeCompare (ICU; the
  // sort of a 100k-container plan's 190k pairs took most of planRemoval's time with it).
  order.sort((a, b) => compareIds(a[0], b[0]) || compareIds(a[1], b[1]))
  return { order, waves, cycles, blocked, outsideDependents }
}

function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
