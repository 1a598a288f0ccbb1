import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../../src/removal/fake-backend.js'
import { getPod } from '../../../src/state/pod-rows.js'
import type { ContainerRecord } from '../../../src/state/types.js'
import { runInProcess } from '../../helpers/cli.js'
import type { Harness } from '../../removal/harness.js'
import { withHarness } from '../../removal/harness.js'

const test = suite('pod-rm-cli')

function podRm (h: Harness, args: string[], backend = new FakeBackend()) {
  return runInProcess(['--root', h.dir, 'pod', 'rm', ...args], { removalBackend: () => backend })
}

test('pod rm prints the full pod ID; members, infra and anonymous volumes go', () => withHarness(async h => {
  const p = h.pod('web', { members: ['a', 'b'] })
  h.volume('anon', true, [p.members[0]!])
  const backend = new FakeBackend()
  assert.equal(await podRm(h, ['web'], backend), { code: 0, stdout: `${p.pod.id}\n`, stderr: '' })
  assert.is(getPod(h.store, p.pod.id), undefined)
  assert.equal(h.ids(), [])
  assert.equal(backend.calls.filter(c => c.step === 'removeVolumeData').map(c => c.target), ['anon'])
}))

test('missing pod: exit 1 and nothing removed; -f and -i skip it', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m'] })
  const miss = { code: 1, stdout: '', stderr: 'Error: no pod with name or ID bogus found: no such pod\n' }
  assert.equal(await podRm(h, ['bogus']), miss)
  assert.equal(await podRm(h, ['bogus', 'p']), miss)
  assert.ok(getPod(h.store, p.pod.id) !== undefined)
  assert.equal(await podRm(h, ['-f', 'bogus']), { code: 0, stdout: '', stderr: '' })
  assert.equal(await podRm(h, ['--ignore', 'bogus', 'p']), { code: 0, stdout: `${p.pod.id}\n`, stderr: '' })
}))

test('running members without -f: pod kept, Podman error lines, exit 125; -f removes', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m'], running: true })
  const m = p.members[0]!; const infra = p.infra!
  const out = await podRm(h, ['p'])
  assert.is(out.code, 125)
  assert.is(out.stdout, '')
  assert.is(out.stderr, [
    `Error: not all containers could be removed from pod ${p.pod.id}: removing pod containers`,
    `Error: error removing container ${infra.id} from pod ${p.pod.id}: container ${infra.id} was not removed: container ${m.id} that depends on it could not be removed`,
    `Error: error removing container ${m.id} from pod ${p.pod.id}: cannot remove container ${m.id} as it is running - running or paused containers cannot be removed without force: container state improper`,
  ].join('\n') + '\n')
  assert.ok(getPod(h.store, p.pod.id) !== undefined)
  assert.is(h.ids().length, 2)
  assert.equal(await podRm(h, ['-f', '-t', '0', 'p']), { code: 0, stdout: `${p.pod.id}\n`, stderr: '' })
}))

test('pod rm -fa: every pod at once, empty pods too', () => withHarness(async h => {
  const pods = [h.pod('a', { members: ['a1', 'a2'], running: true }), h.pod('b', { infra: false }), h.pod('c', { members: ['c1'] })]
  const out = await podRm(h, ['-fa'])
  assert.is(out.code, 0)
  assert.equal(out.stdout.trim().split('\n').sort(), pods.map(p => p.pod.id).sort())
  assert.equal(h.ids(), [])
  assert.equal(await podRm(h, ['-a']), { code: 0, stdout: '', stderr: '' })
}))

test('validation: Podman messages with --pod-id-file, exit 125', () => withHarness(async h => {
  h.pod('p')
  const cases: [string[], string][] = [
    [[], 'you must provide at least one name or id'],
    [['-a', '-l'], '--all and --latest cannot be used together'],
    [['-a', 'p'], 'no arguments are needed with --all'],
    [['--pod-id-file', '/x', '-a'], '--all, --latest, and --pod-id-file cannot be used together'],
    [['--pod-id-file', '/x', 'p'], 'no arguments are needed with --latest or --pod-id-file'],
    [['-t', '3', 'p'], '--force option must be specified to use the --time option'],
  ]
  for (const [args, msg] of cases) assert.equal(await podRm(h, args), { code: 125, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '))
}))

test('-t -1 (any negative): every member waits forever; bad values get pflag wording, exit 125', () => withHarness(async h => {
  const timeouts: (number | undefined)[] = []
  class Recorder extends FakeBackend {
    override stop (c: ContainerRecord, timeoutSec: number | undefined, signal: AbortSignal): Promise<void> {
      timeouts.push(timeoutSec)
      return super.stop(c, timeoutSec, signal)
    }
  }
  const p = h.pod('p', { members: ['m1', 'm2'], running: true })
  for (const v of ['abc', '2.5', '9223372036854775808']) {
    const why = v === '9223372036854775808' ? 'value out of range' : 'invalid syntax'
    assert.equal(await podRm(h, ['-f', '-t', v, 'p'], new Recorder()), { code: 125, stdout: '', stderr: `Error: invalid argument "${v}" for "-t, --time" flag: strconv.ParseInt: parsing "${v}": ${why}\n` }, v)
  }
  assert.equal(await podRm(h, ['-t', '-1', 'p']), { code: 125, stdout: '', stderr: 'Error: --force option must be specified to use the --time option\n' })
  assert.equal(timeouts, [])
  assert.equal(await podRm(h, ['-f', '-t', '-1', 'p'], new Recorder()), { code: 0, stdout: `${p.pod.id}\n`, stderr: '' })
  assert.equal(timeouts, [Infinity, Infinity, Infinity])
}))

test('--pod-id-file: the pod is removed and the file deleted; an unreadable file is reported, others still go', () => withHarness(async h => {
  const p = h.pod('p'); const q = h.pod('q')
  const f = path.join(h.dir, 'p.id'); fs.writeFileSync(f, `${p.pod.id}\n`)
  h.store.db.prepare('UPDATE pods SET pod_id_file = ? WHERE id = ?').run(f, p.pod.id)
  assert.equal(await podRm(h, ['--pod-id-file', f]), { code: 0, stdout: `${p.pod.id}\n`, stderr: '' })
  assert.is(fs.existsSync(f), false)
  const qf = path.join(h.dir, 'q.id'); fs.writeFileSync(qf, q.pod.id)
  const out = await podRm(h, ['--pod-id-file', '/nonexistent/x.id', '--pod-id-file', qf])
  assert.equal(out, { code: 125, stdout: `${q.pod.id}\n`, stderr: 'Error: reading pod ID file: open /nonexistent/x.id: no such file or directory\n' })
}))

test('--dry-run shows members before infra and removes nothing', () => withHarness(async h => {
  h.pod('p', { members: ['m1', 'm2'] })
  const backend = new FakeBackend()
  assert.equal(await podRm(h, ['--dry-run', 'p'], backend), { code: 0, stdout: 'wave 1: m1 m2\nwave 2: p-infra\npods: p\n', stderr: '' })
  assert.equal(backend.calls, [])
  assert.is(h.ids().length, 3)
}))

test('--format json: pod and container outcomes with events', () => withHarness(async h => {
  const p = h.pod('p', { members: ['m1'] })
  const out = await podRm(h, ['p', '--format', 'json'])
  const r = JSON.parse(out.stdout) as { pods: { id: string, outcome: string }[], containers: unknown[], events: { step: string, container: string }[] }
  assert.equal(r.pods, [{ id: p.pod.id, name: 'p', outcome: 'removed' }])
  assert.is(r.containers.length, 2)
  assert.is(r.events[r.events.length - 1]!.step, 'pod-deleted')
}))

test.run()
