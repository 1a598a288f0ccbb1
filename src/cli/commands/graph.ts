import { describeDependencyGraph, invalidArgument } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { renderJson } from '../render.js'

// Edges point from dependent to dependency (see src/graph/dependency-graph.ts).
export const graphCommand: PodctlCommand = {
  command: 'graph',
  describe: 'Show the container dependency graph',
  examples: [['podctl graph | dot -Tsvg > deps.svg', 'draw the graph with graphviz'], ['podctl graph --format json', 'nodes and edges as JSON']],
  builder: y => y.option('format', { type: 'string', default: 'dot', describe: 'Output format: dot or json' }),
  run (ctx, argv) {
    const format = String(argv['format'])
    if (format !== 'dot' && format !== 'json') throw invalidArgument(`unsupported --format ${JSON.stringify(format)}: use dot or json`)
    const { containers, edges } = describeDependencyGraph(ctx)
    const byId = new Map(containers.map(c => [c.id as string, c]))
    if (format === 'json') {
      const nodes = containers.map(c => ({ id: c.id, name: c.name, pod: c.podId, infra: c.isInfra, state: c.state }))
      return { stdout: renderJson({ nodes, edges }) }
    }
    const label = (id: string): string => JSON.stringify(byId.get(id)?.name ?? id)
    const lines = ['digraph podctl {']
    for (const c of containers) lines.push(`  ${label(c.id)} [id=${JSON.stringify(c.id)}${c.isInfra ? ', shape=box' : ''}];`)
    for (const e of edges) lines.push(`  ${label(e.from)} -> ${label(e.to)} [label=${JSON.stringify(e.kinds.join(','))}];`)
    lines.push('}')
    return { stdout: lines.join('\n') + '\n' }
  },
}
