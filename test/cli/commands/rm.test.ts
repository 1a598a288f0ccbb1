import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { ContainerId } from '../../../src/ids.js'
import { FakeBackend } from '../../../src/removal/fake-backend.js'
import { getContainer } from '../../../src/state/container-rows.js'
import { getPod } from '../../../src/state/pod-rows.js'
import type { ContainerRecord } from '../../../src/state/types.js'
import { runInProcess } from '../../helpers/cli.js'
import type { Harness } from '../../removal/harness.js'
import { withHarness } from '../../removal/harness.js'

const test = suite('rm-cli')

const RUNNING = (id: string): string => `Error: cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper\n`

function rm (h: Harness, args: string[], backend = new FakeBackend()) {
  return runInProcess(['--root', h.dir, ...args], { removalBackend: () => backend })
}

test('rm prints names and ID prefixes as typed; rows are gone', () => withHarness(async h => {
  const c1 = h.container('c1', { state: 'exited' }); const c2 = h.container('c2')
  const prefix = c2.id.slice(0, 10)
  assert.equal(await rm(h, ['rm', 'c1', prefix]), { code: 0, stdout: `c1\n${prefix}\n`, stderr: '' })
  assert.equal([getContainer(h.store, c1.id), getContainer(h.store, c2.id)], [undefined, undefined])
}))

test('container rm is the same command, and a leading slash is stripped', () => withHarness(async h => {
  h.container('c1')
  assert.equal(await rm(h, ['container', 'rm', '/c1']), { code: 0, stdout: 'c1\n', stderr: '' })
}))

test('running without -f: exit 2, Podman wording, container kept; -f removes it', () => withHarness(async h => {
  const r = h.container('r', { state: 'running' })
  assert.equal(await rm(h, ['rm', 'r']), { code: 2, stdout: '', stderr: RUNNING(r.id) })
  assert.is(getContainer(h.store, r.id)?.state, 'running')
  assert.equal(await rm(h, ['rm', '-f', '-t', '0', 'r']), { code: 0, stdout: 'r\n', stderr: '' })
}))

test('two running: one error line each, exit 2; the stopped one in the batch is removed', () => withHarness(async h => {
  const r1 = h.container('r1', { state: 'running' }); const r2 = h.container('r2', { state: 'running' }); h.container('ok')
  assert.equal(await rm(h, ['rm', 'r1', 'ok', 'r2']), { code: 2, stdout: 'ok\n', stderr: RUNNING(r1.id) + RUNNING(r2.id) })
}))

test('a missing name aborts the whole batch before anything is removed: exit 1', () => withHarness(async h => {
  const c1 = h.container('c1')
  const backend = new FakeBackend()
  for (const args of [['rm', 'bogus', 'c1'], ['rm', 'c1', 'bogus']]) {
    assert.equal(await rm(h, args, backend), { code: 1, stdout: '', stderr: 'Error: no container with ID or name "bogus" found: no such container\n' })
  }
  assert.ok(getContainer(h.store, c1.id) !== undefined)
  assert.equal(backend.calls, [])
}))

test('-f and -i skip missing names; -i still reports a running container', () => withHarness(async h => {
  h.container('c1'); h.container('c2'); const r = h.container('r', { state: 'running' })
  assert.equal(await rm(h, ['rm', '-f', 'bogus']), { code: 0, stdout: '', stderr: '' })
  assert.equal(await rm(h, ['rm', '--force', 'bogus', 'c1']), { code: 0, stdout: 'c1\n', stderr: '' })
  assert.equal(await rm(h, ['rm', '-i', 'c2', 'bogus']), { code: 0, stdout: 'c2\n', stderr: '' })
  assert.equal(await rm(h, ['rm', '--ignore', 'r', 'bogus']), { code: 2, stdout: '', stderr: RUNNING(r.id) })
}))

test('exit 2 wins over 125: a running container and one with dependents', () => withHarness(async h => {
  const r = h.container('r', { state: 'running' }); const base = h.container('base'); const user = h.container('user')
  h.dep(user, base)
  const out = await rm(h, ['rm', 'r', 'base'])
  assert.is(out.code, 2)
  assert.is(out.stderr, RUNNING(r.id) + `Error: container ${base.id} has dependent containers which must be removed before it: ${user.id}: container already exists\n`)
}))

test('flag validation: Podman messages in Podman order, exit 125', () => withHarness(async h => {
  h.container('c1')
  const cases: [string[], string][] = [
    [['rm'], 'you must provide at least one name or id'],
    [['rm', '-a', '-l'], '--all and --latest cannot be used together'],
    [['rm', '-a', 'c1'], 'no arguments are needed with --all'],
    [['rm', '-l', 'c1'], '--latest and containers cannot be used together'],
    [['rm', '--cidfile', '/x', '-a'], '--all, --latest, and --cidfile cannot be used together'],
    [['rm', '--cidfile', '/x', 'c1'], 'no arguments are needed with --latest or --cidfile'],
    [['rm', 'c1', '--filter', 'status=exited'], '--filter takes no arguments'],
    [['rm', '--filter', 'bad'], 'invalid filter "bad"'],
    [['rm', '--filter', 'color=red'], 'color is an invalid filter'],
    [['rm', '-t', '5', 'c1'], '--force option must be specified to use the --time option'],
    [['rm', '-f', '-t', 'abc', 'c1'], 'invalid argument "abc" for "-t, --time" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    [['rm', '--max-workers', '0', 'c1'], 'invalid argument "0" for "--max-workers" flag: must be a positive integer'],
    [['rm', '--cidfile', '/nonexistent/podctl.cid'], 'reading CIDFile: open /nonexistent/podctl.cid: no such file or directory'],
  ]
  for (const [args, msg] of cases) assert.equal(await rm(h, args), { code: 125, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '))
  assert.ok(h.ids().length === 1)
}))

// Records the -t each container's stop step was given.
class TimeoutRecorder extends FakeBackend {
  readonly timeouts: (number | undefined)[] = []
  override stop (c: ContainerRecord, timeoutSec: number | undefined, signal: AbortSignal): Promise<void> {
    this.timeouts.push(timeoutSec)
    return super.stop(c, timeoutSec, signal)
  }
}

test('-t: seconds reach the stop step; any negative (Podman: -1) means wait forever; none: own timeout', () => withHarness(async h => {
  const cases: [string[], number | undefined][] = [
    [['-t', '-1'], Infinity], [['--time=-1'], Infinity], [['-t', '-7'], Infinity],
    [['-t', '0'], 0], [['-t', '+3'], 3], [['-t', '99999999999'], 99999999999], [[], undefined],
  ]
  for (const [flags, want] of cases) {
    h.container('r', { state: 'running' })
    const backend = new TimeoutRecorder()
    assert.equal(await rm(h, ['rm', '-f', ...flags, 'r'], backend), { code: 0, stdout: 'r\n', stderr: '' }, flags.join(' '))
    assert.equal(backend.timeouts, [want], flags.join(' '))
  }
}))

test('-t: non-integers and values beyond int64 get pflag\'s message, exit 125, nothing touched', () => withHarness(async h => {
  h.container('r', { state: 'running' })
  const cases: [string, string][] = [
    ['1.5', 'invalid syntax'], ['-1.0', 'invalid syntax'], ['', 'invalid syntax'], ['-', 'invalid syntax'], ['1e3', 'invalid syntax'],
    ['--1', 'invalid syntax'], ['5s', 'invalid syntax'],
    ['9223372036854775808', 'value out of range'], ['-9223372036854775809', 'value out of range'],
  ]
  for (const [v, why] of cases) {
    const backend = new TimeoutRecorder()
    const want = { code: 125, stdout: '', stderr: `Error: invalid argument "${v}" for "-t, --time" flag: strconv.ParseInt: parsing "${v}": ${why}\n` }
    assert.equal(await rm(h, ['rm', '-f', `--time=${v}`, 'r'], backend), want, v)
    assert.equal(backend.calls, [], v)
  }
  assert.equal(await rm(h, ['rm', '-t', '-1', 'r']), { code: 125, stdout: '', stderr: 'Error: --force option must be specified to use the --time option\n' })
  assert.is(h.ids().length, 1)
}))

test('--cidfile: the ID inside is removed and printed; -i skips a missing file', () => withHarness(async h => {
  const c = h.container('c1')
  const f = path.join(h.dir, 'c1.cid'); fs.writeFileSync(f, `${c.id}\n`)
  assert.equal(await rm(h, ['rm', '--cidfile', f]), { code: 0, stdout: `${c.id}\n`, stderr: '' })
  assert.equal(await rm(h, ['rm', '-i', '--cidfile', '/nonexistent/x.cid']), { code: 0, stdout: '', stderr: '' })
}))

test('ambiguous ID prefix aborts: SQLite wording, exit 125', () => withHarness(async h => {
  h.container('p1', { id: 'abc1'.padEnd(64, '0') as ContainerId }); h.container('p2', { id: 'abc2'.padEnd(64, '0') as ContainerId })
  assert.equal(await rm(h, ['rm', '-f', 'abc']), { code: 125, stdout: '', stderr: 'Error: more than one result for container "abc": container already exists\n' })
}))

test('--depend prints the target as typed and the dependents by full ID, dependents first', () => withHarness(async h => {
  const base = h.container('base'); const d = h.container('d')
  h.dep(d, base, 'network')
  const backend = new FakeBackend()
  assert.equal(await rm(h, ['rm', '--depend', 'base'], backend), { code: 0, stdout: `base\n${d.id}\n`, stderr: '' })
  assert.equal(backend.calls.map(c => c.target)[0], d.id)
}))

test('infra container: refused even with -f (125); --depend removes the pod and all members', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m1'] })
  assert.equal(await rm(h, ['rm', '-f', 'p-infra']), { code: 125, stdout: '', stderr: `Error: container ${p.infra!.id} is the infra container of pod ${p.pod.id} and cannot be removed without removing the pod\n` })
  assert.equal(await rm(h, ['rm', '--depend', 'p-infra']), { code: 0, stdout: `p-infra\n${p.members[0]!.id}\n`, stderr: '' })
  assert.is(getPod(h.store, p.pod.id), undefined)
}))

test('rm -fa: every container and pod, full IDs, dependencies respected; nothing left', () => withHarness(async h => {
  const base = h.container('base', { state: 'running' }); const dep = h.container('dep', { state: 'running' })
  h.dep(dep, base, 'network')
  const p = h.pod('p', { members: ['m1', 'm2'], running: true })
  const removing = h.container('half', { state: 'removing', ownerPid: 2 ** 22 + 7, ownerStart: '1' })
  const out = await rm(h, ['rm', '-fa'])
  assert.is(out.code, 0)
  assert.is(out.stderr, '')
  assert.equal(out.stdout.trim().split('\n').sort(), [base.id, dep.id, p.infra!.id, ...p.members.map(m => m.id), removing.id].sort())
  assert.equal(h.ids(), [])
  assert.is(getPod(h.store, p.pod.id), undefined)
  assert.equal(await rm(h, ['rm', '-a']), { code: 0, stdout: '', stderr: '' })
}))

test('--filter and --latest print full IDs', () => withHarness(async h => {
  const web1 = h.container('web1'); h.container('db'); const web2 = h.container('web2')
  const last = h.container('last')
  assert.equal(await rm(h, ['rm', '-l']), { code: 0, stdout: `${last.id}\n`, stderr: '' })
  assert.equal(await rm(h, ['rm', '--filter', 'name=^web']), { code: 0, stdout: `${web1.id}\n${web2.id}\n`, stderr: '' })
  assert.equal(h.ids().length, 1)
}))

test('--dry-run prints waves and removes nothing; validation errors still exit as they would', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b'); const c = h.container('c')
  h.dep(a, b); h.dep(b, c); h.container('r', { state: 'running' })
  const backend = new FakeBackend()
  assert.equal(await rm(h, ['rm', '--dry-run', '--depend', 'c'], backend), { code: 0, stdout: 'wave 1: a\nwave 2: b\nwave 3: c\n', stderr: '' })
  const r = getContainer(h.store, h.ids()[3]!)!
  assert.equal(await rm(h, ['rm', '--dry-run', 'r', 'a'], backend), { code: 2, stdout: 'wave 1: a\nkept: r\n', stderr: RUNNING(r.id) })
  const json = await rm(h, ['rm', '--dry-run', '--depend', 'c', '--format', 'json'], backend)
  assert.equal(JSON.parse(json.stdout).waves.map((w: { name: string }[]) => w.map(e => e.name)), [['a'], ['b'], ['c']])
  assert.equal(backend.calls, [])
  assert.is(h.ids().length, 4)
}))

test('--format json: one outcome per container, skipped inputs, and the step events in order', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b')
  h.dep(a, b)
  const out = await rm(h, ['rm', '-f', 'a', 'b', 'bogus', '--format', 'json'])
  assert.is(out.code, 0)
  const r = JSON.parse(out.stdout) as { containers: { name: string, outcome: string }[], skipped: { input: string }[], events: { container: string, step: string }[] }
  assert.equal(r.containers.map(c => [c.name, c.outcome]), [['a', 'removed'], ['b', 'removed']])
  assert.equal(r.skipped.map(s => s.input), ['bogus'])
  const steps = r.events.map(e => `${e.container === a.id ? 'a' : 'b'}:${e.step}`)
  assert.ok(steps.indexOf('a:deleted') < steps.indexOf('b:claimed'))
  assert.is(steps.filter(s => s.startsWith('a:')).length, 7)
}))

test('graph: dot and json, edges dependent → dependency', () => withHarness(async h => {
  const a = h.container('a'); const b = h.container('b')
  h.dep(a, b, 'network')
  const dot = await rm(h, ['graph'])
  assert.is(dot.code, 0)
  assert.match(dot.stdout, '"a" -> "b" [label="network"];')
  const json = JSON.parse((await rm(h, ['graph', '--format', 'json'])).stdout)
  assert.equal(json.edges, [{ from: a.id, to: b.id, kinds: ['network'] }])
  assert.equal((await rm(h, ['graph', '--format', 'yaml'])).stderr, 'Error: unsupported --format "yaml": use dot or json\n')
}))

test.run()
