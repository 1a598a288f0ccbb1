import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { buildDependencyGraph } from '../../src/graph/dependency-graph.js'
import { planRemoval } from '../../src/graph/removal-plan.js'
import type { DependencyKind, DependencyRecord } from '../../src/state/types.js'

const test = suite('removal-plan')

// "a>b" means a depends on b.
function graphOf (nodes: string, edges: string, kind: DependencyKind = 'requires') {
  const deps: DependencyRecord[] = edges.split(' ').filter(Boolean).map(e => {
    const [a, b] = e.split('>') as [string, string]
    return { containerId: a, dependsOn: b, kind } as unknown as DependencyRecord
  })
  return buildDependencyGraph(nodes.split(' ').filter(Boolean), deps)
}

const TABLE: [string, string, string, string, { waves: string[][], cycles: string[][], blocked?: string[], outside?: Record<string, string[]> }][] = [
  ['empty', '', '', '', { waves: [], cycles: [] }],
  ['one', 'a', '', 'a', { waves: [['a']], cycles: [] }],
  ['two independent', 'a b', '', 'a b', { waves: [['a', 'b']], cycles: [] }],
  ['chain of 3', 'a b c', 'a>b b>c', 'a b c', { waves: [['a'], ['b'], ['c']], cycles: [] }],
  ['diamond', 'a b c d', 'a>b a>c b>d c>d', 'a b c d', { waves: [['a'], ['b', 'c'], ['d']], cycles: [] }],
  ['pod: members depend on infra', 'i m1 m2 m3', 'm1>i m2>i m3>i', 'i m1 m2 m3', { waves: [['m1', 'm2', 'm3'], ['i']], cycles: [] }],
  ['two pods side by side', 'i1 x1 i2 x2 y2', 'x1>i1 x2>i2 y2>i2 y2>x2', 'i1 x1 i2 x2 y2', { waves: [['x1', 'y2'], ['i1', 'x2'], ['i2']], cycles: [] }],
  ['cycle of 2', 'a b', 'a>b b>a', 'a b', { waves: [], cycles: [['a', 'b']], blocked: ['a', 'b'] }],
  ['cycle of 3 with a tail', 'a b c d', 'a>b b>c c>a c>d', 'a b c d', { waves: [], cycles: [['a', 'b', 'c']], blocked: ['a', 'b', 'c', 'd'] }],
  ['cycle next to a clean branch', 'a b x y', 'a>b b>a x>y', 'a b x y', { waves: [['x'], ['y']], cycles: [['a', 'b']], blocked: ['a', 'b'] }],
  ['dependent outside the targets', 'a b c', 'a>b b>c', 'b c', { waves: [['b'], ['c']], cycles: [], outside: { b: ['a'] } }],
  ['target not in graph is ignored', 'a', '', 'a zz', { waves: [['a']], cycles: [] }],
]

for (const [name, nodes, edges, targets, want] of TABLE) {
  test(name, () => {
    const plan = planRemoval(graphOf(nodes, edges), targets.split(' ').filter(Boolean))
    assert.equal({ waves: plan.waves, cycles: plan.cycles, blocked: plan.blocked, outside: plan.outsideDependents },
      { waves: want.waves, cycles: want.cycles, blocked: want.blocked ?? [], outside: want.outside ?? {} })
  })
}

test('order constraints list every dependent → dependency pair among targets', () => {
  const plan = planRemoval(graphOf('a b c d', 'a>b a>c b>d c>d'), ['a', 'b', 'c', 'd'])
  assert.equal(plan.order, [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']])
})

test('10k nodes: a 10k-long chain and 1k pods of 10 give the right waves', () => {
  const n = 10_000
  const ids = Array.from({ length: n }, (_, i) => `n${i}`)
  const chainEdges = ids.slice(1).map((id, i) => `${id}>${ids[i]!}`).join(' ')
  const chain = planRemoval(graphOf(ids.join(' '), chainEdges), ids)
  assert.is(chain.waves.length, n)
  assert.equal(chain.waves[0], [`n${n - 1}`])
  assert.equal(chain.waves[n - 1], ['n0'])
  const podEdges: string[] = []
  for (let p = 0; p < 1000; p++) for (let m = 1; m < 10; m++) podEdges.push(`n${p * 10 + m}>n${p * 10}`)
  const pods = planRemoval(graphOf(ids.join(' '), podEdges.join(' ')), ids)
  assert.equal(pods.waves.map(w => w.length), [9000, 1000])
  assert.equal(pods.cycles, [])
})

test('a 2k-node ring is reported as one cycle naming all members', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `r${i}`)
  const edges = ids.map((id, i) => `${id}>${ids[(i + 1) % ids.length]!}`).join(' ')
  const plan = planRemoval(graphOf(ids.join(' '), edges), ids)
  assert.is(plan.cycles.length, 1)
  assert.is(plan.cycles[0]!.length, 2000)
})

test.run()
