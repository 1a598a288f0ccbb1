import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { parseContainerFilters } from '../../src/targets/container-filters.js'
import { selectContainers } from '../../src/targets/select-containers.js'
import { selectPods } from '../../src/targets/select-pods.js'
import { invalidArgument } from '../../src/errors.js'
import { withHarness } from '../removal/harness.js'

const test = suite('targets/select')

const messageOf = (fn: () => unknown): string => {
  try { fn() } catch (err) { assert.ok(isPodctlError(err)); return `${err.code}: ${err.message}` }
  throw new Error('expected a throw')
}

test('refs keep what was typed; --all, --latest and ID files add each container once, in order', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b', { state: 'running' }); const c = h.container('c')
  const cid = path.join(h.dir, 'c.cid')
  fs.writeFileSync(cid, `${c.id}\nignored second line\n`)
  const sel = selectContainers(h.host, { refs: ['b', a.id.slice(0, 8)], idFiles: [cid], latest: true, onMissing: 'throw', wording: 'lookup' })
  assert.equal(sel.targets.map(t => [t.record.name, t.input]), [['c', undefined], ['b', 'b'], ['a', a.id.slice(0, 8)]])
  const all = selectContainers(h.host, { all: true, refs: ['a'], onMissing: 'throw', wording: 'lookup' })
  assert.equal(all.targets.map(t => t.record.name), ['a', 'b', 'c'])
  const running = selectContainers(h.host, { all: true, allRunningOnly: true, onMissing: 'throw', wording: 'lookup' })
  assert.equal(running.targets.map(t => t.record.id), [b.id])
}))

test('a miss: thrown, collected or skipped, in each command\'s words', () => withHarness(async h => {
  h.container('a')
  assert.is(messageOf(() => selectContainers(h.host, { refs: ['a', 'zz'], onMissing: 'throw', wording: 'rm' })), 'NO_SUCH_CONTAINER: no container with ID or name "zz" found: no such container')
  assert.is(messageOf(() => selectContainers(h.host, { refs: ['zz'], onMissing: 'throw', wording: 'lookup' })), 'NO_SUCH_CONTAINER: no container with name or ID "zz" found: no such container')
  const collected = selectContainers(h.host, { refs: ['x', 'a', 'y'], onMissing: 'collect', wording: 'inspect' })
  assert.equal([collected.targets.map(t => t.input), collected.errors.map(e => e.message)], [['a'], ['no such object: "x"', 'no such object: "y"']])
  assert.equal(selectContainers(h.host, { refs: ['q'], onMissing: 'collect', wording: 'container inspect' }).errors.map(e => e.message), ['no such container "q"'])
  const skipped = selectContainers(h.host, { refs: ['/a', 'gone'], onMissing: 'skip', wording: 'rm' })
  assert.equal(skipped.targets.map(t => t.input), ['a'])
  assert.equal(skipped.skipped, [{ input: 'gone', reason: 'no container with ID or name "gone" found: no such container' }])
}))

test('ID files: unreadable ones abort or are collected; -i skips a missing one', () => withHarness(async h => {
  const missing = path.join(h.dir, 'nope.cid')
  assert.is(messageOf(() => selectContainers(h.host, { idFiles: [missing], onMissing: 'throw', wording: 'rm' })), `INVALID_ARGUMENT: reading CIDFile: open ${missing}: no such file or directory`)
  assert.equal(selectContainers(h.host, { idFiles: [missing], onMissing: 'collect', onIdFileError: 'collect', wording: 'lookup' }).errors.map(e => e.message), [`reading CIDFile: open ${missing}: no such file or directory`])
  assert.equal(selectContainers(h.host, { idFiles: [missing], onMissing: 'throw', ignoreMissingIdFiles: true, wording: 'rm' }).errors, [])
  assert.is(messageOf(() => selectContainers(h.host, { idFiles: [h.dir], onMissing: 'throw', wording: 'rm' })), `INVALID_ARGUMENT: reading CIDFile: open ${h.dir}: is a directory`)
}))

test('with a filter, --all is "all that match": a filter matching nothing selects nothing', () => withHarness(async h => {
  const a = h.container('a', { labels: { k: 'v' } }); h.container('b')
  const f = (raw: string[]) => parseContainerFilters(raw, x => invalidArgument(`invalid filter "${x}"`))
  assert.equal(selectContainers(h.host, { all: true, filter: f([`id=${a.id.slice(0, 12)}x`]), onMissing: 'throw', wording: 'rm' }).targets, [])
  assert.equal(selectContainers(h.host, { all: true, filter: f(['label=k=v']), onMissing: 'throw', wording: 'rm' }).targets.map(t => t.record.id), [a.id])
}))

test('pods: refs, --all, --latest, ID files; misses thrown, collected or skipped', () => withHarness(async h => {
  const p1 = h.pod('p1', { infra: false }); const p2 = h.pod('p2', { infra: false })
  const file = path.join(h.dir, 'p.id'); fs.writeFileSync(file, `${p1.pod.id}\n`)
  const sel = selectPods(h.host, { refs: ['p2'], idFiles: [file, path.join(h.dir, 'none')], latest: true, onMissing: 'collect' })
  assert.equal(sel.targets.map(t => [t.record.name, t.input]), [['p2', undefined], ['p1', p1.pod.id]])
  assert.equal(sel.errors.map(e => e.message), [`reading pod ID file: open ${path.join(h.dir, 'none')}: no such file or directory`])
  assert.is(messageOf(() => selectPods(h.host, { refs: ['zz'], onMissing: 'throw' })), 'NO_SUCH_POD: no pod with name or ID zz found: no such pod')
  assert.equal(selectPods(h.host, { refs: ['zz'], onMissing: 'collect' }).errors.map(e => e.code), ['NO_SUCH_POD'])
  assert.equal(selectPods(h.host, { refs: ['zz', 'p1'], onMissing: 'skip' }).skipped.map(s => s.input), ['zz'])
  assert.equal(selectPods(h.host, { all: true, onMissing: 'throw' }).targets.map(t => t.record.id), [p1.pod.id, p2.pod.id])
}))

test.run()
