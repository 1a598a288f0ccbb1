import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { buildDependencyGraph, closeOverDependents, dependenciesOf, dependentsOf, edgeKinds, findDependencyCycles } from '../../src/graph/dependency-graph.js'
import type { DependencyRecord } from '../../src/state/types.js'

const test = suite('dependency-graph')
const dep = (a: string, b: string, kind: DependencyRecord['kind']): DependencyRecord => ({ containerId: a, dependsOn: b, kind }) as unknown as DependencyRecord

test('edges point from dependent to dependency and merge kinds', () => {
  const g = buildDependencyGraph(['a', 'b'], [dep('a', 'b', 'network'), dep('a', 'b', 'ipc'), dep('a', 'b', 'network')])
  assert.equal(dependenciesOf(g, 'a'), ['b'])
  assert.equal(dependentsOf(g, 'b'), ['a'])
  assert.equal(edgeKinds(g, 'a', 'b'), ['ipc', 'network'])
  assert.equal(edgeKinds(g, 'b', 'a'), [])
})

test('every dependency kind builds an edge', () => {
  const kinds = ['network', 'ipc', 'pid', 'uts', 'requires', 'infra'] as const
  const g = buildDependencyGraph(['t'], kinds.map(k => dep(`x-${k}`, 't', k)))
  assert.equal(dependentsOf(g, 't').sort(), kinds.map(k => `x-${k}`).sort())
})

const CLOSURE: [string, DependencyRecord[], string[], string[]][] = [
  ['no dependents', [], ['a'], ['a']],
  ['transitive chain', [dep('c', 'b', 'requires'), dep('b', 'a', 'network')], ['a'], ['a', 'b', 'c']],
  ['only upward', [dep('c', 'b', 'requires'), dep('b', 'a', 'network')], ['b'], ['b', 'c']],
  ['diamond counted once', [dep('b', 'a', 'pid'), dep('c', 'a', 'pid'), dep('d', 'b', 'ipc'), dep('d', 'c', 'ipc')], ['a'], ['a', 'b', 'c', 'd']],
  ['cycle terminates', [dep('a', 'b', 'requires'), dep('b', 'a', 'requires')], ['a'], ['a', 'b']],
]
for (const [name, deps, targets, want] of CLOSURE) {
  test(`closure: ${name}`, () => {
    const g = buildDependencyGraph(['a', 'b', 'c', 'd'], deps)
    assert.equal([...closeOverDependents(g, targets)].sort(), want)
  })
}

test('closure over a 100k chain does not overflow the stack', () => {
  const deps = Array.from({ length: 99_999 }, (_, i) => dep(`n${i + 1}`, `n${i}`, 'requires'))
  const g = buildDependencyGraph([], deps)
  assert.is(closeOverDependents(g, ['n0']).size, 100_000)
})

test('cycles are named: 2 and 3', () => {
  const g = buildDependencyGraph([], [dep('a', 'b', 'requires'), dep('b', 'a', 'requires'), dep('x', 'y', 'ipc'), dep('y', 'z', 'ipc'), dep('z', 'x', 'ipc'), dep('q', 'x', 'ipc')])
  assert.equal(findDependencyCycles(g), [['a', 'b'], ['x', 'y', 'z']])
})

test('a cycle is named as a real path in dependency order, the shortest through its smallest id', () => {
  const g = buildDependencyGraph([], [dep('c', 'a', 'requires'), dep('a', 'd', 'requires'), dep('d', 'c', 'requires'), dep('a', 'b', 'ipc'), dep('b', 'c', 'ipc')])
  assert.equal(findDependencyCycles(g), [['a', 'd', 'c']])
})

test.run()
