import { dependenciesOf } from '../graph/dependency-graph.js'
import type { PreparedRemoval } from './prepare.js'

export interface DryRunEntry { id: string, name: string }

export interface DryRunPlan {
  // What would be removed, wave by wave (a wave's dependents are all in earlier waves).
  waves: DryRunEntry[][]
  // Pods whose row would go with their last member.
  pods: DryRunEntry[]
  // Containers that would stay: validation failures and everything they depend on.
  kept: DryRunEntry[]
}

// The plan as --dry-run shows it: validation failures and what they keep are left out
// of the waves, exactly as execution would leave them.
export function describeDryRun (prep: PreparedRemoval): DryRunPlan {
  const kept = new Set<string>()
  const stack = [...prep.preErrors.keys()]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (kept.has(id) || !prep.containers.has(id)) continue
    kept.add(id)
    stack.push(...dependenciesOf(prep.graph, id))
  }
  const entry = (id: string): DryRunEntry => ({ id, name: prep.containers.get(id)?.name ?? id })
  const byName = (a: DryRunEntry, b: DryRunEntry): number => a.name.localeCompare(b.name)
  const waves = prep.plan.waves.map(w => w.filter(id => !kept.has(id)).map(entry).sort(byName)).filter(w => w.length > 0)
  const keptPods = new Set([...kept].map(id => prep.containers.get(id)?.podId))
  const pods = [...prep.pods.values()].filter(p => !keptPods.has(p.id)).map(p => ({ id: p.id as string, name: p.name }))
  return { waves, pods, kept: [...kept].map(entry).sort(byName) }
}

export function renderDryRun (plan: DryRunPlan): string {
  const lines = plan.waves.map((w, i) => `wave ${i + 1}: ${w.map(e => e.name).join(' ')}`)
  if (plan.pods.length > 0) lines.push(`pods: ${plan.pods.map(p => p.name).join(' ')}`)
  if (plan.kept.length > 0) lines.push(`kept: ${plan.kept.map(e => e.name).join(' ')}`)
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}
