import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../src/removal/fake-backend.js'
import { runInProcess } from '../helpers/cli.js'
import type { Harness } from '../removal/harness.js'
import { withHarness } from '../removal/harness.js'

const test = suite('filters')

// Three standalone containers and a pod of two exited members, as in the defect report.
function seed (h: Harness) {
  const web1 = h.container('web1', { state: 'exited', exitCode: 3, labels: { app: 'web', tier: 'front' } })
  const web2 = h.container('web2', { state: 'created', labels: { app: 'web' } })
  const db = h.container('db', { state: 'exited', exitCode: 0, labels: { app: 'db' } })
  const p = h.pod('pp', { infra: false, members: ['m1', 'm2'] })
  return { web1, web2, db, m1: p.members[0]!, m2: p.members[1]!, pod: p.pod }
}

type Seeded = ReturnType<typeof seed>
type Name = Exclude<keyof Seeded, 'pod'>

const names = (s: Seeded, ids: readonly string[]): string[] =>
  (Object.keys(s) as (keyof Seeded)[]).filter(k => k !== 'pod' && ids.includes(s[k].id)).sort()

// [title, filter flags (a function of the seeded rows), names selected]
const SELECTING: [string, (s: Seeded) => string[], Name[]][] = [
  ['id prefix followed by junk matches nothing', s => ['--filter', `id=${s.web1.id.slice(0, 12)}zz`], []],
  ['id prefix of a real ID', s => ['--filter', `id=${s.web1.id.slice(0, 12)}`], ['web1']],
  ['two id values are ORed', s => ['--filter', `id=${s.web1.id}`, '--filter', `id=${s.db.id.slice(0, 6)}`], ['db', 'web1']],
  ['a name regexp that matches nothing', () => ['--filter', 'name=^nomatch$'], []],
  ['name regexp', () => ['--filter', 'name=^web'], ['web1', 'web2']],
  ['label key=value', () => ['--filter', 'label=app=web'], ['web1', 'web2']],
  ['two labels are ANDed', () => ['--filter', 'label=app=web', '--filter', 'label=tier=front'], ['web1']],
  ['a label value nobody has', () => ['--filter', 'label=app=nope'], []],
  ['a label key alone', () => ['--filter', 'label=tier'], ['web1']],
  ['label! excludes', () => ['--filter', 'label!=app'], ['m1', 'm2']],
  ['status=exited', () => ['--filter', 'status=exited'], ['db', 'm1', 'm2', 'web1']],
  ['status=stopped is exited', () => ['--filter', 'status=stopped'], ['db', 'm1', 'm2', 'web1']],
  ['status=paused matches nothing here', () => ['--filter', 'status=paused'], []],
  ['exited=3', () => ['--filter', 'exited=3'], ['web1']],
  ['pod by name', () => ['--filter', 'pod=pp'], ['m1', 'm2']],
  ['a pod that does not exist selects nothing', () => ['--filter', 'pod=nopod'], []],
  ['keys are ANDed', () => ['--filter', 'label=app=web', '--filter', 'status=created'], ['web2']],
  ['keys are ANDed, one matches nothing', () => ['--filter', 'label=app=web', '--filter', 'name=^db$'], []],
]

// [title, filter flags, exit code, stderr]; none of them may remove anything.
const REFUSED: [string, string[], number, string][] = [
  ['unknown key', ['--filter', 'color=red'], 125, 'Error: color is an invalid filter\n'],
  ['no =', ['--filter', 'bad'], 125, 'Error: invalid filter "bad"\n'],
  ['empty key', ['--filter', '=x'], 125, 'Error: invalid filter "=x"\n'],
  ['unknown status', ['--filter', 'status=bogus'], 125, 'Error: unknown container state: bogus: invalid argument\n'],
  ['bad exit code', ['--filter', 'exited=x'], 125, 'Error: exited code out of range "x": strconv.ParseInt: parsing "x": invalid syntax\n'],
  ['since a missing container', ['--filter', 'since=ghost'], 1, 'Error: no container with name or ID "ghost" found: no such container\n'],
  ['one good key, one unknown', ['--filter', 'name=web1', '--filter', 'nope=1'], 125, 'Error: nope is an invalid filter\n'],
]

const rm = (h: Harness, args: string[]) => runInProcess(['--root', h.dir, 'rm', ...args], { removalBackend: () => new FakeBackend() })

for (const [title, flags, want] of SELECTING) {
  for (const all of [false, true]) {
    test(`rm ${all ? '-a ' : ''}-f: ${title}`, () => withHarness(async h => {
      const s = seed(h)
      const before = h.ids()
      const r = await rm(h, [...(all ? ['-a'] : []), '-f', '-t', '0', ...flags(s)])
      assert.is(r.code, 0, r.stderr)
      const removed = before.filter(id => !h.ids().includes(id))
      assert.equal(names(s, removed), [...want].sort())
      assert.equal(r.stdout.split('\n').filter(Boolean).sort(), removed.sort())
    }))
  }
  test(`ps -a: ${title}`, () => withHarness(async h => {
    const s = seed(h)
    const r = await runInProcess(['--root', h.dir, 'ps', '-a', '-q', '--no-trunc', ...flags(s)])
    assert.is(r.code, 0, r.stderr)
    assert.equal(names(s, r.stdout.split('\n').filter(Boolean)), [...want].sort())
  }))
}

for (const [title, flags, code, stderr] of REFUSED) {
  test(`rm -a -f refuses: ${title}; nothing removed`, () => withHarness(async h => {
    seed(h)
    const before = h.ids()
    assert.equal(await rm(h, ['-a', '-f', ...flags]), { code, stdout: '', stderr })
    assert.equal(h.ids(), before)
  }))
}

test('ps refuses an unknown key and a bad status with Podman\'s words, exit 125', () => withHarness(async h => {
  seed(h)
  assert.equal(await runInProcess(['--root', h.dir, 'ps', '--filter', 'color=red']), { code: 125, stdout: '', stderr: 'Error: color is an invalid filter\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'ps', '-a', '--filter', 'status=bogus']), { code: 125, stdout: '', stderr: 'Error: unknown container state: bogus: invalid argument\n' })
}))

test('pod ps --filter: values match or select nothing; unknown keys and statuses are errors', () => withHarness(async h => {
  const a = h.pod('alpha', { infra: false })
  const b = h.pod('beta', { infra: false, members: ['b1', 'b2'] })
  const q = async (...f: string[]) => {
    const r = await runInProcess(['--root', h.dir, 'pod', 'ps', '-q', '--no-trunc', ...f])
    assert.is(r.code, 0, r.stderr)
    return r.stdout.split('\n').filter(Boolean).sort()
  }
  assert.equal(await q(), [a.pod.id, b.pod.id].sort())
  assert.equal(await q('--filter', 'name=^al'), [a.pod.id])
  assert.equal(await q('--filter', `id=${b.pod.id.slice(0, 10)}zz`), [])
  assert.equal(await q('--filter', 'ctr-names=b2'), [b.pod.id])
  assert.equal(await q('--filter', 'ctr-number=2'), [b.pod.id])
  assert.equal(await q('--filter', 'status=created'), [a.pod.id])
  assert.equal(await q('--filter', 'status=running'), [])
  assert.equal(await q('--filter', 'ctr-status=exited'), [b.pod.id])
  assert.equal(await q('--filter', 'name=^al', '--filter', 'ctr-number=2'), [])
  assert.equal(await runInProcess(['--root', h.dir, 'pod', 'ps', '--filter', 'color=red']), { code: 125, stdout: '', stderr: 'Error: color is an invalid filter\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'pod', 'ps', '--filter', 'status=bogus']), { code: 125, stdout: '', stderr: 'Error: bogus is not a valid status\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'pod', 'ps', '--filter', 'nokey']), { code: 125, stdout: '', stderr: 'Error: filter input must be in the form of filter=value: nokey is invalid\n' })
}))

test('volume ls --filter: name, label (ANDed), dangling; unknown keys are errors; --noheading', () => withHarness(async h => {
  const user = h.container('user')
  h.volume('data', false, [user])
  h.volume('cache', false, [])
  h.store.db.prepare("UPDATE volumes SET labels = '{\"app\":\"web\",\"tier\":\"db\"}' WHERE name = 'data'").run()
  h.store.db.prepare("UPDATE volumes SET labels = '{\"app\":\"web\"}' WHERE name = 'cache'").run()
  const q = async (...f: string[]) => {
    const r = await runInProcess(['--root', h.dir, 'volume', 'ls', '-q', ...f])
    assert.is(r.code, 0, r.stderr)
    return r.stdout.split('\n').filter(Boolean).sort()
  }
  assert.equal(await q(), ['cache', 'data'])
  assert.equal(await q('--filter', 'name=^da'), ['data'])
  assert.equal(await q('--filter', 'name=^nomatch$'), [])
  assert.equal(await q('--filter', 'label=app=web'), ['cache', 'data'])
  assert.equal(await q('--filter', 'label=app=web', '--filter', 'label=tier=db'), ['data'])
  assert.equal(await q('--filter', 'label!=tier'), ['cache'])
  assert.equal(await q('--filter', 'dangling=true'), ['cache'])
  assert.equal(await q('--filter', 'dangling=false'), ['data'])
  assert.equal(await q('--filter', 'driver=local'), ['cache', 'data'])
  assert.equal(await q('--filter', 'driver=nfs'), [])
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'ls', '--filter', 'color=red']), { code: 125, stdout: '', stderr: 'Error: "color" is an invalid volume filter\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'ls', '--filter', 'dangling=maybe']), { code: 125, stdout: '', stderr: 'Error: "maybe" is not a valid value for the "dangling" filter - must be true or false\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'ls', '--filter', 'oops']), { code: 125, stdout: '', stderr: 'Error: filter input must be in the form of filter=value: oops is invalid\n' })
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'ls', '--noheading']), { code: 0, stdout: 'local   data\nlocal   cache\n', stderr: '' })
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'ls', '--noheading', '--format', '{{.Name}}', '--filter', 'label=tier=db']), { code: 0, stdout: 'data\n', stderr: '' })
}))

test('network ls --filter: label values are ANDed, label! excludes, a miss selects nothing, --noheading', () => withHarness(async h => {
  const cni = ['--root', h.dir, '--cni-config-dir', path.join(h.dir, 'cni')]
  for (const [name, labels] of [['front', ['app=web', 'tier=front']], ['back', ['app=web']]] as const) {
    const r = await runInProcess([...cni, 'network', 'create', ...labels.flatMap(l => ['--label', l]), '--interface-name', `pf${process.pid % 1000}${name.slice(0, 2)}`, name])
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout, `${name}\n`)
  }
  const q = async (...f: string[]) => (await runInProcess([...cni, 'network', 'ls', '-q', ...f])).stdout.split('\n').filter(Boolean).sort()
  assert.equal(await q('--filter', 'label=app=web'), ['back', 'front'])
  assert.equal(await q('--filter', 'label=app=web', '--filter', 'label=tier=front'), ['front'])
  assert.equal(await q('--filter', 'label!=tier'), ['back', 'podctl'])
  assert.equal(await q('--filter', 'id=ffffffffffffzz'), [])
  assert.equal(await runInProcess([...cni, 'network', 'ls', '--noheading', '--format', '{{.Name}}', '--filter', 'name=^front$']), { code: 0, stdout: 'front\n', stderr: '' })
  assert.equal((await runInProcess([...cni, 'network', 'ls', '--filter', 'color=red'])).stderr, 'Error: invalid filter "color"\n')
}))

test.run()
