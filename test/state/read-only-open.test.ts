import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { generateId } from '../../src/ids.js'
import { addDependency, insertContainer } from '../../src/state/container-rows.js'
import { insertImage } from '../../src/state/image-rows.js'
import { insertPod } from '../../src/state/pod-rows.js'
import { SCHEMA_VERSION } from '../../src/state/schema.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import type { ImageRecord } from '../../src/state/types.js'
import { insertVolume, listVolumes } from '../../src/state/volume-rows.js'
import { runInProcess } from '../helpers/cli.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('read-only state')

interface RoState {
  dir: string
  // The state dir itself (writable) and a read-only bind mount of it.
  rw: string
  ro: string
  args: string[]
  ids: { web: string, gone: string, dep: string, pod: string, image: string }
}

function sha256 (file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

// Every file under dir with its size and hash, to show nothing changed.
function snapshot (dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) { out[path.relative(dir, p) + '/'] = 'dir'; walk(p) } else out[path.relative(dir, p)] = sha256(p)
    }
  }
  walk(dir)
  return out
}

// A state with a running-recorded container whose process does not exist (ps would mark it
// exited), an exited --rm container (ps would remove it), a dependent, a pod, a volume and an
// image; then a read-only bind mount of it. Unmounted and removed in finally.
async function withReadOnlyState (fn: (s: RoState) => Promise<void> | void, prepare?: (rw: string) => void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-rostate-'))
  const rw = path.join(dir, 'root')
  const ro = path.join(dir, 'ro')
  fs.mkdirSync(ro)
  const web = containerFixture({ name: 'web', state: 'running', pid: 2 ** 22 + 17, startedAt: Date.now() - 5000 })
  const gone = containerFixture({ name: 'gone', state: 'exited', exitCode: 0, autoRemove: true, startedAt: Date.now() - 5000, finishedAt: Date.now() - 4000 })
  const dep = containerFixture({ name: 'dep' })
  const pod = podFixture({ name: 'p1' })
  const image: ImageRecord = { id: generateId<ImageRecord['id']>(), name: 'busybox:latest', createdAt: Date.now(), size: 1000, source: '/nowhere' }
  {
    using store = StateStore.open(rw)
    store.write(() => {
      insertImage(store, image)
      insertPod(store, pod)
      for (const c of [web, gone, dep]) insertContainer(store, c)
      addDependency(store, { containerId: dep.id, dependsOn: web.id, kind: 'requires' })
      insertVolume(store, { name: 'v1', anonymous: false, mountpoint: path.join(rw, 'volumes', 'v1', '_data'), createdAt: Date.now(), labels: {} })
    })
  }
  prepare?.(rw)
  let mounted = false
  try {
    execFileSync('mount', ['--bind', rw, ro], { timeout: 10_000 })
    mounted = true
    execFileSync('mount', ['-o', 'remount,bind,ro', ro], { timeout: 10_000 })
    const args = ['--root', ro, '--runroot', path.join(dir, 'run'), '--cni-config-dir', path.join(dir, 'cni'), '--cni-cache-dir', path.join(dir, 'cni-cache')]
    await fn({ dir, rw, ro, args, ids: { web: web.id, gone: gone.id, dep: dep.id, pod: pod.id, image: image.id } })
  } finally {
    if (mounted) execFileSync('umount', ['-l', ro], { timeout: 10_000 })
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('read-only commands print the recorded state and write nothing', () => withReadOnlyState(async s => {
  const before = snapshot(s.rw)
  const run = (...a: string[]): Promise<{ code: number, stdout: string, stderr: string }> => runInProcess([...s.args, ...a])
  // Recorded as running and exited --rm: shown as recorded, neither refreshed nor removed.
  assert.equal(await run('ps', '-a', '--format', '{{.Names}} {{.State}}'), { code: 0, stdout: 'web running\ngone exited\ndep created\n', stderr: '' })
  assert.equal(await run('ps', '-q'), { code: 0, stdout: `${s.ids.web.slice(0, 12)}\n`, stderr: '' })
  assert.equal(await run('container', 'ls', '-a', '--format', '{{.Names}}'), { code: 0, stdout: 'web\ngone\ndep\n', stderr: '' })
  assert.equal(await run('inspect', '--format', '{{.Name}} {{.State.Status}}', 'web', 'gone'), { code: 0, stdout: 'web running\ngone exited\n', stderr: '' })
  assert.equal(await run('inspect', 'nothere'), { code: 125, stdout: '[]\n', stderr: 'Error: no such object: "nothere"\n' })
  assert.equal(await run('pod', 'ps', '-q'), { code: 0, stdout: `${s.ids.pod.slice(0, 12)}\n`, stderr: '' })
  assert.equal(await run('pod', 'inspect', '--format', '{{.Name}}', 'p1'), { code: 0, stdout: 'p1\n', stderr: '' })
  assert.equal(await run('images', '-q'), { code: 0, stdout: `${s.ids.image.slice(0, 12)}\n`, stderr: '' })
  assert.equal(await run('image', 'ls', '-q'), { code: 0, stdout: `${s.ids.image.slice(0, 12)}\n`, stderr: '' })
  assert.equal(await run('volume', 'ls', '-q'), { code: 0, stdout: 'v1\n', stderr: '' })
  assert.equal(await run('volume', 'inspect', '--format', '{{.Name}}', 'v1'), { code: 0, stdout: 'v1\n', stderr: '' })
  assert.equal(await run('network', 'ls', '-q'), { code: 0, stdout: 'podctl\n', stderr: '' })
  assert.equal(await run('network', 'inspect', '--format', '{{.Name}}', 'podctl'), { code: 0, stdout: 'podctl\n', stderr: '' })
  assert.equal(await run('graph'), {
    code: 0,
    stdout: `digraph podctl {\n  "web" [id="${s.ids.web}"];\n  "gone" [id="${s.ids.gone}"];\n  "dep" [id="${s.ids.dep}"];\n  "dep" -> "web" [label="requires"];\n}\n`,
    stderr: '',
  })
  assert.equal(await run('logs', 'web'), { code: 0, stdout: '', stderr: '' })
  // check reports what it finds (exit 1) and repairs nothing.
  const check = await run('system', 'check', '--format', 'json')
  assert.is(check.code, 1, check.stderr)
  const findings = (JSON.parse(check.stdout) as { findings: { kind: string, object: string, repaired: boolean }[] }).findings
  assert.ok(findings.some(f => f.kind === 'stale-running' && f.object === s.ids.web), check.stdout)
  assert.equal(findings.filter(f => f.repaired), [])
  assert.equal(snapshot(s.rw), before)
  assert.equal(fs.readdirSync(s.rw).sort(), ['state.db'])
}))

test('write commands fail with one line, exit 125, before any change', () => withReadOnlyState(async s => {
  const before = snapshot(s.rw)
  const db = path.join(s.ro, 'state.db')
  const failures: string[] = []
  const cases: [string[], string][] = [
    [['volume', 'create', 'v2'], 'volume create'],
    [['volume', 'rm', '-f', 'v1'], 'volume rm'],
    [['volume', 'prune', '-f'], 'volume prune'],
    [['pod', 'create', '--name', 'p2'], 'pod create'],
    [['pod', 'rm', '-f', 'p1'], 'pod rm'],
    [['pod', 'stop', 'p1'], 'pod stop'],
    [['rm', '-f', 'web'], 'rm'],
    [['container', 'rm', '-f', 'gone'], 'rm'],
    [['stop', 'web'], 'stop'],
    [['kill', 'web'], 'kill'],
    [['start', 'dep'], 'start'],
    [['create', '--name', 'x', 'busybox', 'true'], 'create'],
    [['image', 'rm', 'busybox'], 'image rm'],
    [['rmi', 'busybox'], 'rmi'],
    [['network', 'create', 'n1'], 'network create'],
    [['network', 'rm', 'podctl'], 'network rm'],
    [['system', 'check', '--repair'], 'system check --repair'],
    [['system', 'reset', '-f'], 'system reset'],
  ]
  for (const [args, name] of cases) {
    const r = await runInProcess([...s.args, ...args])
    const want = { code: 125, stdout: '', stderr: `Error: state database ${db} is read-only (read-only file system): podctl ${name} needs to write it\n` }
    if (JSON.stringify(r) !== JSON.stringify(want)) failures.push(`${args.join(' ')}: ${JSON.stringify(r)}`)
  }
  assert.equal(failures, [])
  assert.equal(snapshot(s.rw), before)
  // Not even the CNI config dir (network create) or the runroot were touched.
  assert.equal(fs.readdirSync(s.dir).sort(), ['ro', 'root'])
}))

test('a live writer through a writable path: read-only readers see its commits', () => withReadOnlyState(async s => {
  using writer = StateStore.open(s.rw)
  writer.write(() => insertContainer(writer, containerFixture({ name: 'late' })))
  assert.ok(fs.existsSync(path.join(s.ro, 'state.db-wal')) && fs.existsSync(path.join(s.ro, 'state.db-shm')))
  const names = async (): Promise<string> => (await runInProcess([...s.args, 'ps', '-a', '--format', '{{.Names}}'])).stdout
  assert.is(await names(), 'web\ngone\ndep\nlate\n')
  writer.write(() => insertContainer(writer, containerFixture({ name: 'later' })))
  assert.is(await names(), 'web\ngone\ndep\nlate\nlater\n')
}))

// A writer killed mid-life leaves -wal (with commits not yet in state.db) and -shm.
function crashWriter (rw: string, volume: string): void {
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path.join(rw, 'state.db'))});
db.pragma('wal_autocheckpoint = 0');
db.prepare("INSERT INTO volumes (name, anonymous, mountpoint, created_at, labels) VALUES (?, 0, '/x', 0, '{}')").run(${JSON.stringify(volume)});
process.kill(process.pid, 'SIGKILL')`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 30_000 })
  assert.is(r.signal, 'SIGKILL', r.stderr.toString())
  assert.ok(fs.statSync(path.join(rw, 'state.db-wal')).size > 0)
}

test('after a crashed writer the read-only store reads the log, and refuses writes', () => withReadOnlyState(s => {
  const file = path.join(s.ro, 'state.db')
  const hash = sha256(file)
  using store = StateStore.open(s.ro, { access: 'read' })
  assert.is(store.readOnlyReason, 'read-only file system')
  assert.equal(listVolumes(store).map(v => v.name), ['crashed', 'v1'])
  let err: unknown
  try { store.write(() => insertVolume(store, { name: 'v3', anonymous: false, mountpoint: '/y', createdAt: 0, labels: {} })) } catch (e) { err = e }
  assert.ok(isPodctlError(err) && err.code === 'STATE_FAILED')
  assert.is((err as Error).message, `state database ${file} is read-only (read-only file system): cannot write to it`)
  assert.is(sha256(file), hash)
}, rw => crashWriter(rw, 'crashed')))

test('a log with commits but no -shm is refused rather than read without them', () => withReadOnlyState(async s => {
  const file = path.join(s.ro, 'state.db')
  const r = await runInProcess([...s.args, 'volume', 'ls'])
  assert.equal(r, {
    code: 125,
    stdout: '',
    stderr: `Error: state database ${file} is read-only (read-only file system): its write-ahead log ${file}-wal cannot be read without ${file}-shm; run a podctl command with write access once to checkpoint it\n`,
  })
}, rw => { crashWriter(rw, 'crashed'); fs.rmSync(path.join(rw, 'state.db-shm')) }))

test('an older schema on a read-only state is refused, not migrated', () => withReadOnlyState(async s => {
  const file = path.join(s.ro, 'state.db')
  const hash = sha256(file)
  const r = await runInProcess([...s.args, 'ps'])
  assert.equal(r, {
    code: 125,
    stdout: '',
    stderr: `Error: state database ${file} has schema version ${SCHEMA_VERSION - 1}, older than this podctl (${SCHEMA_VERSION}), and is read-only (read-only file system): run a podctl command with write access once to upgrade it\n`,
  })
  assert.is(sha256(file), hash)
}, rw => { using store = StateStore.open(rw); store.db.pragma(`user_version = ${SCHEMA_VERSION - 1}`) }))

test('a writable state opened for reading is an ordinary read-write store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-rostate-'))
  try {
    using store = StateStore.open(dir, { access: 'read' })
    assert.is(store.readOnly, false)
    assert.is(store.db.pragma('journal_mode', { simple: true }), 'wal')
    store.write(() => insertVolume(store, { name: 'v', anonymous: false, mountpoint: '/v', createdAt: 0, labels: {} }))
    assert.equal(listVolumes(store).map(v => v.name), ['v'])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a state dir a non-root user cannot write: reads work, writes fail, nothing changes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-rostate-'))
  try {
    fs.chmodSync(dir, 0o755)
    const root = path.join(dir, 'root')
    { using store = StateStore.open(root); store.write(() => insertVolume(store, { name: 'v1', anonymous: false, mountpoint: '/v', createdAt: 0, labels: {} })) }
    fs.chmodSync(root, 0o755)
    fs.chmodSync(path.join(root, 'state.db'), 0o644)
    const before = snapshot(root)
    const home = path.join(dir, 'home')
    fs.mkdirSync(home)
    fs.chownSync(home, 65534, 65534)
    const cli = path.resolve(import.meta.dirname, '../../cmd/podctl.ts')
    const asNobody = (...a: string[]): { code: number | null, stdout: string, stderr: string } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--root', root, '--runroot', path.join(dir, 'run'), '--cni-config-dir', path.join(dir, 'cni'), ...a], {
        cwd: path.resolve(import.meta.dirname, '../..'), uid: 65534, gid: 65534, env: { ...process.env, HOME: home, TMPDIR: home }, encoding: 'utf8', timeout: 60_000,
      })
      return { code: r.status, stdout: r.stdout, stderr: r.stderr }
    }
    assert.equal(asNobody('volume', 'ls', '-q'), { code: 0, stdout: 'v1\n', stderr: '' })
    assert.equal(asNobody('volume', 'create', 'v2'), {
      code: 125, stdout: '', stderr: `Error: state database ${root}/state.db is read-only (permission denied on ${root}): podctl volume create needs to write it\n`,
    })
    assert.equal(snapshot(root), before)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
