import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import type { CliRun } from '../helpers/cli.js'
import { runInProcess, runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// Overlapping concurrent removals (issue #14 item 4): real `node dist/podctl.mjs`
// processes racing on the same containers and pods. Each container or pod is removed,
// and printed, by exactly one process; the others see it gone: nothing printed, exit 0.
const test = suite('overlapping concurrent rm / pod rm (real runc, built CLI)')

// Setup in this process (fast); the racers are separate processes, as users would run them.
async function setup (h: TestHost, ...args: string[]): Promise<string> {
  const r = await runInProcess([...hostArgs(h), ...args])
  assert.is(r.code, 0, `podctl ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const racer = (h: TestHost, ...args: string[]): Promise<CliRun> => runPodctl([...hostArgs(h), ...args], { timeoutMs: 60_000 })

async function makeContainers (h: TestHost, names: readonly string[], running: boolean): Promise<void> {
  for (const n of names) {
    await setup(h, running ? 'run' : 'create', ...(running ? ['-d'] : []), '--network', 'none', '--name', n, 'busybox', 'sleep', '1000')
  }
}

// How many times each line appears across all the processes' stdouts.
function lineCounts (runs: readonly CliRun[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of runs) for (const l of r.stdout.split('\n')) if (l !== '') counts.set(l, (counts.get(l) ?? 0) + 1)
  return counts
}

function describe (runs: readonly CliRun[]): string {
  return runs.map((r, i) => `#${i} exit ${r.code} stdout ${JSON.stringify(summarize(r.stdout))} stderr ${JSON.stringify(r.stderr)}`).join('\n')
}

// A JSON report as "name:outcome" per container and pod; text output as is.
function summarize (stdout: string): string {
  if (!stdout.startsWith('{')) return stdout
  try {
    const r = JSON.parse(stdout) as JsonReport
    return [...r.containers, ...r.pods].map(x => `${x.name}:${x.outcome}`).join(' ')
  } catch {
    return stdout
  }
}

function assertAllExitZero (runs: readonly CliRun[], label: string): void {
  assert.equal(runs.map(r => [r.code, r.stderr]), runs.map(() => [0, '']), `${label}: every process exits 0 with empty stderr\n${describe(runs)}`)
}

// Every name printed exactly once, and nothing else printed.
function assertPrintedOnce (runs: readonly CliRun[], expected: readonly string[], label: string): void {
  const counts = lineCounts(runs)
  const wrong = [...new Set([...expected, ...counts.keys()])].filter(n => counts.get(n) !== (expected.includes(n) ? 1 : 0))
  assert.equal(wrong.map(n => `${n}×${counts.get(n) ?? 0}`), [], `${label}: each printed exactly once\n${describe(runs)}`)
}

async function assertNoRows (h: TestHost): Promise<void> {
  assert.is(await setup(h, 'ps', '-a', '-q'), '', 'no container rows left')
  assert.is(await setup(h, 'pod', 'ps', '-q'), '', 'no pod rows left')
}

test('2 × rm -f -t 0 of one running container, 10 rounds: printed by exactly one, both exit 0', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (let round = 0; round < 10; round++) {
    const name = `one${round}`
    // Even rounds running (the loser waits on the winner's claim), odd rounds created
    // (the loser usually finds the row already gone, or gone between resolve and claim).
    await makeContainers(h, [name], round % 2 === 0)
    const runs = await Promise.all([racer(h, 'rm', '-f', '-t', '0', name), racer(h, 'rm', '-f', '-t', '0', name)])
    assertAllExitZero(runs, `round ${round}`)
    assertPrintedOnce(runs, [name], `round ${round}`)
    await assertNoRows(h)
  }
}))

test('8 × rm -f -t 0 over overlapping sets of 20 containers, 3 rounds: each printed exactly once, all exit 0', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (let round = 0; round < 3; round++) {
    const names = Array.from({ length: 20 }, (_, i) => `r${round}c${i}`)
    // Half running, half created, interleaved.
    for (let i = 0; i < names.length; i++) await makeContainers(h, [names[i]!], i % 2 === 0)
    // Process p takes 10 consecutive names starting at 5p (mod 20), in an order that
    // differs per process: every name is wanted by 4 processes.
    const sets = Array.from({ length: 8 }, (_, p) => {
      const set = Array.from({ length: 10 }, (_, k) => names[(5 * p + k) % 20]!)
      return p % 2 === 0 ? set : set.reverse()
    })
    const runs = await Promise.all(sets.map(set => racer(h, 'rm', '-f', '-t', '0', ...set)))
    assertAllExitZero(runs, `round ${round}`)
    assertPrintedOnce(runs, names, `round ${round}`)
    await assertNoRows(h)
  }
}))

test('3 × pod rm -f -t 0 of the same pods, 3 rounds: each pod ID printed exactly once, all exit 0', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (let round = 0; round < 3; round++) {
    const pods: string[] = []
    for (let p = 0; p < 3; p++) {
      const name = `r${round}pod${p}`
      pods.push((await setup(h, 'pod', 'create', '--network', 'none', '--name', name)).trim())
      await setup(h, 'run', '-d', '--pod', name, '--name', `${name}-m0`, 'busybox', 'sleep', '1000')
      await setup(h, 'create', '--pod', name, '--name', `${name}-m1`, 'busybox', 'sleep', '1000')
    }
    const names = pods.map((_, p) => `r${round}pod${p}`)
    const runs = await Promise.all([
      racer(h, 'pod', 'rm', '-f', '-t', '0', ...names),
      racer(h, 'pod', 'rm', '-f', '-t', '0', ...[...names].reverse()),
      racer(h, 'pod', 'rm', '-f', '-t', '0', ...names),
    ])
    assertAllExitZero(runs, `round ${round}`)
    assertPrintedOnce(runs, pods, `round ${round}`)
    await assertNoRows(h)
  }
}))

interface JsonReport {
  containers: { id: string, name: string, outcome: string }[]
  pods: { id: string, name: string, outcome: string }[]
}

function removedIn (reports: readonly JsonReport[], kind: 'containers' | 'pods'): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of reports) for (const x of r[kind]) if (x.outcome === 'removed') counts.set(x.name, (counts.get(x.name) ?? 0) + 1)
  return counts
}

test('--format json races: each container and pod is "removed" in exactly one process\'s report', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (let round = 0; round < 2; round++) {
    const names = Array.from({ length: 6 }, (_, i) => `j${round}c${i}`)
    for (let i = 0; i < names.length; i++) await makeContainers(h, [names[i]!], i % 2 === 0)
    const runs = await Promise.all(Array.from({ length: 4 }, (_, p) => racer(h, 'rm', '-f', '-t', '0', '--format', 'json', ...(p % 2 === 0 ? names : [...names].reverse()))))
    assertAllExitZero(runs, `rm round ${round}`)
    const reports = runs.map(r => JSON.parse(r.stdout) as JsonReport)
    const removed = removedIn(reports, 'containers')
    assert.equal(names.map(n => removed.get(n) ?? 0), names.map(() => 1), `rm round ${round}: removed exactly once\n${describe(runs)}`)
    // A container another process took is listed, as not removed.
    for (const r of reports) for (const c of r.containers) assert.ok(['removed', 'skipped'].includes(c.outcome), `${c.name}: ${c.outcome}`)
    await assertNoRows(h)
  }
  const pods = ['jpod0', 'jpod1']
  for (const p of pods) {
    await setup(h, 'pod', 'create', '--network', 'none', '--name', p)
    await setup(h, 'run', '-d', '--pod', p, '--name', `${p}-m0`, 'busybox', 'sleep', '1000')
  }
  const runs = await Promise.all(Array.from({ length: 3 }, () => racer(h, 'pod', 'rm', '-f', '-t', '0', '--format', 'json', ...pods)))
  assertAllExitZero(runs, 'pod rm')
  const reports = runs.map(r => JSON.parse(r.stdout) as JsonReport)
  const removedPods = removedIn(reports, 'pods')
  assert.equal(pods.map(p => removedPods.get(p) ?? 0), [1, 1], `pod rm: each pod removed exactly once\n${describe(runs)}`)
  const removedMembers = removedIn(reports, 'containers')
  assert.is(removedMembers.size, 4, 'every member and infra container removed by some process')
  for (const [name, n] of removedMembers) assert.is(n, 1, `pod member ${name} removed by ${n} processes`)
  await assertNoRows(h)
}))

test.run()
