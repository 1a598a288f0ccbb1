import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FakeBackend } from '../../src/removal/fake-backend.js'
import { getVolume } from '../../src/state/volume-rows.js'
import { runInProcess } from '../helpers/cli.js'
import type { Harness } from '../removal/harness.js'
import { withHarness } from '../removal/harness.js'

const test = suite('volume-cli')

function volumeCli (h: Harness, args: string[], backend = new FakeBackend()) {
  return runInProcess(['--root', h.dir, 'volume', ...args], { removalBackend: () => backend })
}

const volumeNames = (h: Harness): string[] => (h.store.db.prepare('SELECT name FROM volumes ORDER BY name').all() as { name: string }[]).map(r => r.name)
const inUse = (name: string, ids: string[]): string => `Error: volume ${name} is being used by the following container(s): ${ids.join(', ')}: volume is being used\nhint: remove those containers first (podctl rm -f)\n`

test('volume rm --all removes every volume no container uses; in-use ones: Podman error, exit 2, kept', () => withHarness(async h => {
  const user = h.container('user')
  h.volume('busy', false, [user]); h.volume('idle1', false, []); h.volume('idle2', true, [])
  for (const d of ['busy', 'idle1', 'idle2']) fs.mkdirSync(path.join(h.dir, 'volumes', d, '_data'), { recursive: true })
  const r = await volumeCli(h, ['rm', '--all'])
  assert.equal(r, { code: 2, stdout: 'idle1\nidle2\n', stderr: inUse('busy', [user.id]) })
  assert.equal(volumeNames(h), ['busy'])
  assert.equal(fs.readdirSync(path.join(h.dir, 'volumes')), ['busy'])
  assert.equal(h.ids(), [user.id])
}))

test('volume rm -af removes the containers using them through the engine, then every volume', () => withHarness(async h => {
  const u1 = h.container('u1', { state: 'running', pid: 1 }); const u2 = h.container('u2'); const other = h.container('other')
  const dependent = h.container('dependent'); h.dep(dependent, u2)
  h.volume('a', false, [u1]); h.volume('b', false, [u1, u2]); h.volume('c', false, [])
  const backend = new FakeBackend()
  const r = await volumeCli(h, ['rm', '-a', '-f', '-t', '0'], backend)
  assert.equal(r, { code: 0, stdout: 'a\nb\nc\n', stderr: '' })
  assert.equal(volumeNames(h), [])
  // u1 was running: stopped with -t 0; the dependent of u2 went first; 'other' stays.
  assert.equal(h.ids(), [other.id])
  assert.ok(backend.callsFor(u1.id).includes('stop'), JSON.stringify(backend.calls))
}))

test('volume rm -f NAME of a volume in use removes its container first; without -f: exit 2', () => withHarness(async h => {
  const u = h.container('u')
  h.volume('data', false, [u])
  assert.equal(await volumeCli(h, ['rm', 'data']), { code: 2, stdout: '', stderr: inUse('data', [u.id]) })
  assert.ok(getVolume(h.store, 'data') !== undefined)
  assert.equal(await volumeCli(h, ['rm', '-f', 'data']), { code: 0, stdout: 'data\n', stderr: '' })
  assert.equal([volumeNames(h), h.ids()], [[], []])
}))

test('volume rm: names and --all together, or neither, is refused before anything is touched', () => withHarness(async h => {
  h.volume('v', false, [])
  const msg = { code: 125, stdout: '', stderr: 'Error: choose either one or more volumes or all\n' }
  assert.equal(await volumeCli(h, ['rm']), msg)
  assert.equal(await volumeCli(h, ['rm', '-a', 'v']), msg)
  assert.equal(await volumeCli(h, ['rm', '-f', '-t', 'x', 'v']), { code: 125, stdout: '', stderr: 'Error: invalid argument "x" for "-t, --time" flag: strconv.ParseInt: parsing "x": invalid syntax\n' })
  assert.equal(volumeNames(h), ['v'])
  assert.equal(await volumeCli(h, ['rm', 'nope']), { code: 1, stdout: '', stderr: 'Error: no volume with name "nope" found: no such volume\n' })
}))

test('volume prune --filter: only unused volumes that match; a filter that matches nothing removes nothing', () => withHarness(async h => {
  const u = h.container('u')
  h.volume('keep', false, []); h.volume('tmp1', false, []); h.volume('tmp2', false, [u])
  h.store.db.prepare("UPDATE volumes SET labels = '{\"tmp\":\"1\"}' WHERE name IN ('tmp1', 'tmp2')").run()
  assert.equal(await volumeCli(h, ['prune', '-f', '--filter', 'label=tmp=nope']), { code: 0, stdout: '', stderr: '' })
  assert.equal(volumeNames(h), ['keep', 'tmp1', 'tmp2'])
  assert.equal(await volumeCli(h, ['prune', '-f', '--filter', 'label=tmp']), { code: 0, stdout: 'tmp1\n', stderr: '' })
  assert.equal(volumeNames(h), ['keep', 'tmp2'])
  assert.equal(await volumeCli(h, ['prune', '-f', '--filter', 'name=keep']), { code: 125, stdout: '', stderr: 'Error: "name" is an invalid volume filter\n' })
  assert.equal(volumeNames(h), ['keep', 'tmp2'])
  assert.equal(await volumeCli(h, ['prune', '-f', '--filter', 'label!=tmp']), { code: 0, stdout: 'keep\n', stderr: '' })
}))

// Repeatable flags take one value each: the word after them is never swallowed.
test('volume create --label k=v --label k2=v2 NAME creates NAME with both labels', () => withHarness(async h => {
  assert.equal(await volumeCli(h, ['create', '--label', 'k=v', '--label', 'k2=v2', 'NAME']), { code: 0, stdout: 'NAME\n', stderr: '' })
  assert.equal(await volumeCli(h, ['create', '-l', 'a=b', 'other']), { code: 0, stdout: 'other\n', stderr: '' })
  assert.equal(getVolume(h.store, 'NAME')?.labels, { k: 'v', k2: 'v2' })
  assert.equal(getVolume(h.store, 'other')?.labels, { a: 'b' })
  assert.equal(volumeNames(h), ['NAME', 'other'])
}))

test('network create --label a --label b -o mtu=1400 NAME and pod create --label: the positional is kept', () => withHarness(async h => {
  const cni = ['--root', h.dir, '--cni-config-dir', path.join(h.dir, 'cni')]
  const r = await runInProcess([...cni, 'network', 'create', '--label', 'a=1', '--label', 'b=2', '-o', 'mtu=1400', '--interface-name', `pg${process.pid % 10000}`, 'lbl'])
  assert.equal(r, { code: 0, stdout: 'lbl\n', stderr: '' })
  const net = JSON.parse((await runInProcess([...cni, 'network', 'inspect', 'lbl'])).stdout) as { labels: Record<string, string> }[]
  assert.equal(net[0]!.labels, { a: '1', b: '2' })
  const ps = await runInProcess([...cni, 'ps', '-a', '--filter', 'label=a', '--filter', 'label=b', '-q'])
  assert.equal(ps, { code: 0, stdout: '', stderr: '' })
  const bad = await runInProcess([...cni, 'rm', '--filter', 'label=a', 'x'])
  assert.equal(bad, { code: 125, stdout: '', stderr: 'Error: --filter takes no arguments\n' })
}))

test.run()
