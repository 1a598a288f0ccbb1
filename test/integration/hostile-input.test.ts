import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { CliRun } from '../helpers/cli.js'
import { runPodctl } from '../helpers/cli.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('hostile input (the built CLI as separate processes)')

interface Row {
  name: string
  args: string[]
  code: number
  // Exact stderr, or a pattern it must match.
  stderr: string | RegExp
  stdout?: string | RegExp
  env?: NodeJS.ProcessEnv
  // Makes the hostile thing before the "before" snapshot; returns its undo.
  setup?: (h: TestHost) => (() => void) | void
}

// Everything a command could change: the rows of every table, and every regular file
// under the host dirs (path, size, hash) except the database files themselves.
function snapshot (h: TestHost, psJson: string): string {
  const db = new Database(path.join(h.config.root, 'state.db'), { readonly: true, fileMustExist: true })
  const tables: Record<string, unknown> = {}
  try {
    for (const t of ['images', 'pods', 'containers', 'container_deps', 'volumes', 'container_volumes', 'container_networks']) tables[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()
  } finally {
    db.close()
  }
  // Relative times ("1 second ago") are the only fields allowed to differ.
  const ps = (JSON.parse(psJson) as Record<string, unknown>[]).map(c => ({ ...c, CreatedAt: undefined, RunningFor: undefined, Status: undefined }))
  return JSON.stringify({ ps, tables, files: listFiles(h.dir) })
}

function listFiles (dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) { if (!p.endsWith('/merged')) walk(p); continue }
      if (!e.isFile() || /state\.db(-wal|-shm)?$/.test(e.name) || e.name.startsWith('.nerdctl.lock')) continue
      out.push(`${path.relative(dir, p)} ${createHash('sha1').update(fs.readFileSync(p)).digest('hex')}`)
    }
  }
  walk(dir)
  return out.sort()
}

async function ps (h: TestHost): Promise<string> {
  const r = await runPodctl([...hostArgs(h), 'ps', '-a', '--format', 'json'])
  assert.is(r.code, 0, r.stderr)
  return r.stdout
}

function matches (actual: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual === expected : expected.test(actual)
}

// Runs each row: setup, snapshot, the command, snapshot; collects every mismatch.
async function runRows (h: TestHost, rows: Row[]): Promise<void> {
  const failures: string[] = []
  for (const row of rows) {
    const undo = row.setup?.(h)
    try {
      const before = snapshot(h, await ps(h))
      const r: CliRun = await runPodctl([...hostArgs(h), ...row.args], row.env === undefined ? {} : { env: row.env })
      const after = snapshot(h, await ps(h))
      if (r.code !== row.code) failures.push(`${row.name}: exit ${r.code}, expected ${row.code} (stderr ${JSON.stringify(r.stderr)})`)
      if (!matches(r.stderr, row.stderr)) failures.push(`${row.name}: stderr ${JSON.stringify(r.stderr)} does not match ${String(row.stderr)}`)
      if (row.stdout !== undefined && !matches(r.stdout, row.stdout)) failures.push(`${row.name}: stdout ${JSON.stringify(r.stdout)} does not match ${String(row.stdout)}`)
      if (/\n\s+at /.test(r.stderr)) failures.push(`${row.name}: stack trace on stderr`)
      if (before !== after) failures.push(`${row.name}: state changed`)
    } finally {
      if (typeof undo === 'function') undo()
    }
  }
  assert.equal(failures, [])
}

function writeConfig (h: TestHost, name: string, text: string): () => void {
  fs.mkdirSync(h.config.cniConfigDir, { recursive: true })
  const file = path.join(h.config.cniConfigDir, name)
  fs.writeFileSync(file, text)
  return () => fs.rmSync(file, { force: true })
}

const NAME_RULE = 'names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument'
const CREATE_NAME = `Error: running container create option: ${NAME_RULE}\n`

async function prepareHost (h: TestHost): Promise<void> {
  await importBusyboxImage(h)
  for (const args of [['create', '--name', 'keep', '--network', 'none', 'busybox', 'true'], ['network', 'create', '--subnet', '10.231.7.0/24', '--interface-name', `hi${process.pid % 100000}`, 'hnet']]) {
    const r = await runPodctl([...hostArgs(h), ...args])
    assert.is(r.code, 0, r.stderr)
  }
}

test('config dir: malformed, truncated, oversized and wrongly typed conflists are skipped with a warning naming the file; nothing changes', () => withTestHost(async h => {
  await prepareHost(h)
  const good = fs.readFileSync(path.join(h.config.cniConfigDir, 'podctl-hnet.conflist'), 'utf8')
  const warn = (file: string, why: string): RegExp => new RegExp(`^(time="[^"]*" level=)?warn(ing)?:? .*skipping CNI config file ${h.config.cniConfigDir}/${file}: ${why}`, 'im')
  await runRows(h, [
    { name: 'malformed', setup: hh => writeConfig(hh, 'bad.conflist', '{"cniVersion": "1.0.0", "name": "bad", "plugins": ['), args: ['network', 'ls', '--format', 'json'], code: 0, stderr: warn('bad.conflist', 'invalid JSON') },
    { name: 'truncated', setup: hh => writeConfig(hh, 'cut.conflist', good.slice(0, good.length >> 1)), args: ['network', 'inspect', 'hnet'], code: 0, stderr: warn('cut.conflist', 'invalid JSON') },
    { name: 'oversized', setup: hh => writeConfig(hh, 'big.conflist', `{"name": "big", "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`), args: ['network', 'ls'], code: 0, stderr: warn('big.conflist', 'file is larger than 1048576 bytes') },
    { name: 'wrong types', setup: hh => writeConfig(hh, 'types.conflist', '{"cniVersion": "1.0.0", "name": ["x"], "plugins": {"type": 5}}'), args: ['network', 'ls'], code: 0, stderr: warn('types.conflist', '') },
    { name: 'a container on a network whose file does not parse', setup: hh => writeConfig(hh, 'bad.conflist', '{"cniVersion": "1.0.0", "name": "bad", "plugins": ['), args: ['create', '--network', 'bad', 'busybox', 'true'], code: 125, stderr: /unable to find network with name or ID bad: network not found\n$/ },
    { name: 'unknown log level in the env', args: ['ps'], env: { PODCTL_LOG_LEVEL: 'loud' }, code: 125, stderr: 'Error: invalid --log-level "loud": must be one of debug, info, warn, error\n' },
    { name: 'runtime that is not runc, crun or a path', args: ['ps'], env: { PODCTL_RUNTIME: 'docker' }, code: 125, stderr: 'Error: invalid --runtime "docker": must be runc, crun or an absolute path\n' },
    { name: 'root given twice', args: ['ps', '--root', 'rel/dir'], code: 125, stderr: 'Error: invalid --root: expected one value\n' },
  ])
}))

test('names with /, .., newline, control characters or 10k characters; empty and ambiguous ID prefixes; unknown flags', () => withTestHost(async h => {
  await prepareHost(h)
  // Two containers whose IDs start with the same hex digit (at most 17 creates).
  const byFirst = new Map<string, string>()
  let prefix = ''
  for (let i = 0; prefix === ''; i++) {
    const r = await runPodctl([...hostArgs(h), 'create', '--name', `amb${i}`, '--network', 'none', 'busybox', 'true'])
    assert.is(r.code, 0, r.stderr)
    const id = r.stdout.trim()
    if (byFirst.has(id[0]!)) prefix = id[0]!
    byFirst.set(id[0]!, id)
  }
  await runRows(h, [
    { name: 'slash', args: ['create', '--name', 'a/b', 'busybox', 'true'], code: 125, stderr: CREATE_NAME },
    { name: 'dot-dot', args: ['create', '--name', '..', 'busybox', 'true'], code: 125, stderr: CREATE_NAME },
    { name: 'newline', args: ['create', '--name', 'a\nb', 'busybox', 'true'], code: 125, stderr: CREATE_NAME },
    { name: 'control characters', args: ['create', '--name', 'a\x01\x1bb', 'busybox', 'true'], code: 125, stderr: CREATE_NAME },
    { name: '10k characters', args: ['create', '--name', 'a'.repeat(10_000), 'busybox', 'true'], code: 125, stderr: CREATE_NAME },
    { name: 'pod name with ..', args: ['pod', 'create', '--name', '../x'], code: 125, stderr: `Error: running pod create option: ${NAME_RULE}\n` },
    { name: 'volume name with /', args: ['volume', 'create', 'a/b'], code: 125, stderr: `Error: "a/b": volume ${NAME_RULE}\n` },
    { name: 'network name with newline', args: ['network', 'create', 'a\nb'], code: 125, stderr: `Error: "a\\nb": ${NAME_RULE}\n` },
    { name: 'rm of a path-like name', args: ['rm', '../../etc/passwd'], code: 1, stderr: 'Error: no container with ID or name "../../etc/passwd" found: no such container\n' },
    { name: 'empty ID prefix', args: ['rm', ''], code: 1, stderr: 'Error: no container with ID or name "" found: no such container\n' },
    { name: 'ambiguous ID prefix', args: ['rm', prefix], code: 125, stderr: `Error: more than one result for container "${prefix}": container already exists\n` },
    { name: 'ambiguous prefix in inspect', args: ['inspect', prefix], code: 125, stderr: `Error: more than one result for container "${prefix}": container already exists\n` },
    { name: 'unknown flag', args: ['rm', '--bogus', 'keep'], code: 125, stderr: /^Error: unknown flag: --bogus\n/ },
    { name: 'unknown command', args: ['frobnicate'], code: 125, stderr: "Error: unrecognized command `podctl frobnicate`\nTry 'podctl --help' for more information\n" },
  ])
}))

test('invalid CIDRs and overlapping subnets; negative and huge timeouts; a cidfile full of garbage', () => withTestHost(async h => {
  await prepareHost(h)
  const garbage = path.join(h.dir, 'garbage.cid')
  const text = path.join(h.dir, 'text.cid')
  fs.writeFileSync(garbage, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0x42]))
  fs.writeFileSync(text, 'zz-not-an-id-zz\nsecond line\n')
  await runRows(h, [
    { name: 'prefix length 33', args: ['network', 'create', '--subnet', '10.0.0.0/33', 'x1'], code: 125, stderr: /^Error: invalid subnet "10\.0\.0\.0\/33"/ },
    { name: 'not a CIDR', args: ['network', 'create', '--subnet', 'abc', 'x2'], code: 125, stderr: 'Error: invalid subnet "abc": invalid CIDR address: abc\n' },
    { name: 'octet 300', args: ['network', 'create', '--subnet', '300.1.1.0/24', 'x3'], code: 125, stderr: 'Error: invalid subnet "300.1.1.0/24": invalid CIDR address: 300.1.1.0/24\n' },
    { name: 'overlapping subnet', args: ['network', 'create', '--subnet', '10.231.7.128/25', 'x4'], code: 125, stderr: /^Error: .*10\.231\.7\.128\/25.*(overlap|in use|already used)/i },
    { name: 'same subnet twice in one create', args: ['network', 'create', '--subnet', '10.232.0.0/24', '--subnet', '10.232.0.0/24', 'x5'], code: 125, stderr: /^Error: .*(overlap|in use|already used|twice|more than once)/i },
    { name: '-t without -f', args: ['rm', '-t', '-1', 'keep'], code: 125, stderr: 'Error: --force option must be specified to use the --time option\n' },
    { name: '-t not a number', args: ['rm', '-f', '-t', '1e3', 'keep'], code: 125, stderr: 'Error: invalid argument "1e3" for "-t, --time" flag: strconv.ParseInt: parsing "1e3": invalid syntax\n' },
    { name: 'negative -t on a missing container', args: ['rm', '-f', '-t', '-1', 'nothere'], code: 0, stderr: '' },
    { name: 'huge -t on a missing container', args: ['rm', '-f', '-t', '99999999999', 'nothere'], code: 0, stderr: '' },
    { name: 'huge stop -t on a container that is not running', args: ['stop', '-t', '99999999999', 'keep'], code: 0, stderr: '', stdout: 'keep\n' },
    { name: 'cidfile of binary garbage', args: ['rm', '--cidfile', garbage], code: 1, stderr: /^Error: no container with ID or name ".*" found: no such container\n$/ },
    { name: 'cidfile of text garbage', args: ['rm', '--cidfile', text], code: 1, stderr: 'Error: no container with ID or name "zz-not-an-id-zz" found: no such container\n' },
    { name: 'cidfile that does not exist', args: ['rm', '--cidfile', path.join(h.dir, 'nope.cid')], code: 125, stderr: /^Error: reading CIDFile: open .*nope\.cid: no such file or directory\n$/ },
  ])
}))

// A host whose root is on a small tmpfs; unmounted (and everything on it undone) in finally.
async function withTmpfsRoot (fn: (h: TestHost, mnt: string) => Promise<void>): Promise<void> {
  await withTestHost(async h => {
    const mnt = path.join(h.dir, 'small')
    fs.mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { timeout: 10_000 })
    const root = path.join(mnt, 'root')
    const args = ['--root', root, '--runroot', h.config.runroot, '--cni-config-dir', h.config.cniConfigDir, '--cni-cache-dir', h.config.cniCacheDir]
    try {
      await importBusyboxImage(root)
      const r = await runPodctl([...args, 'create', '--name', 'keep', '--network', 'none', 'busybox', 'true'])
      assert.is(r.code, 0, r.stderr)
      await fn({ ...h, config: { ...h.config, root } }, mnt)
    } finally {
      try { execFileSync('mount', ['-o', 'remount,rw', mnt], { timeout: 10_000, stdio: 'ignore' }) } catch {}
      for (const id of fs.existsSync(path.join(root, 'storage', 'containers')) ? fs.readdirSync(path.join(root, 'storage', 'containers')) : []) {
        try { execFileSync('umount', ['-l', path.join(root, 'storage', 'containers', id, 'merged')], { timeout: 10_000, stdio: 'ignore' }) } catch {}
      }
      execFileSync('umount', ['-l', mnt], { timeout: 10_000 })
    }
  })
}

test('state dir on a full filesystem: a clear error, nothing changes', () => withTmpfsRoot(async (h, mnt) => {
  const fill = path.join(mnt, 'fill')
  const fd = fs.openSync(fill, 'w')
  try { for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024)) } catch (err) { assert.is((err as NodeJS.ErrnoException).code, 'ENOSPC') } finally { fs.closeSync(fd) }
  const db = fs.readFileSync(path.join(h.config.root, 'state.db'))
  const failures: string[] = []
  for (const args of [['create', '--name', 'x', '--network', 'none', 'busybox', 'true'], ['volume', 'create', 'v'], ['pod', 'create', '--name', 'p']]) {
    const r = await runPodctl([...hostArgs(h), ...args])
    if (r.code !== 125 || !/^Error: .*(no space left on device|disk is full|database or disk is full)/m.test(r.stderr)) failures.push(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`)
  }
  assert.equal(failures, [])
  assert.ok(fs.readFileSync(path.join(h.config.root, 'state.db')).equals(db))
  fs.rmSync(fill)
  const r = await runPodctl([...hostArgs(h), 'ps', '-a', '--format', '{{.Names}}'])
  assert.equal([r.code, r.stdout], [0, 'keep\n'])
}))

test('state dir on a read-only filesystem: read commands work, write commands fail naming it, nothing changes', () => withTmpfsRoot(async (h, mnt) => {
  const before = listFiles(h.config.root)
  const dbHash = (): string => createHash('sha256').update(fs.readFileSync(path.join(h.config.root, 'state.db'))).digest('hex')
  const db = dbHash()
  execFileSync('mount', ['-o', 'remount,ro', mnt], { timeout: 10_000 })
  const failures: string[] = []
  for (const [args, name] of [[['create', '--name', 'x', '--network', 'none', 'busybox', 'true'], 'create'], [['volume', 'create', 'v'], 'volume create'], [['rm', '-f', 'keep'], 'rm']] as const) {
    const r = await runPodctl([...hostArgs(h), ...args])
    const want = `Error: state database ${h.config.root}/state.db is read-only (read-only file system): podctl ${name} needs to write it\n`
    if (r.code !== 125 || r.stderr !== want) failures.push(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`)
  }
  assert.equal(failures, [])
  const ps = await runPodctl([...hostArgs(h), 'ps', '-a', '--format', '{{.Names}} {{.State}}'])
  assert.equal([ps.code, ps.stdout, ps.stderr], [0, 'keep created\n', ''])
  const inspect = await runPodctl([...hostArgs(h), 'inspect', '--format', '{{.Name}}', 'keep'])
  assert.equal([inspect.code, inspect.stdout, inspect.stderr], [0, 'keep\n', ''])
  assert.is(dbHash(), db)
  execFileSync('mount', ['-o', 'remount,rw', mnt], { timeout: 10_000 })
  assert.equal(listFiles(h.config.root), before)
}))

test('corrupted state DB: clear error, exit 125, the file is left as it was', () => withTestHost(async h => {
  const file = path.join(os.tmpdir(), `podctl-garbage-${process.pid}`)
  const root = path.join(h.dir, 'garbage-root')
  fs.mkdirSync(root)
  const bytes = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256))
  fs.writeFileSync(path.join(root, 'state.db'), bytes)
  try {
    const r = await runPodctl(['--root', root, '--runroot', h.config.runroot, 'ps', '-a'])
    assert.equal([r.code, r.stderr], [125, `Error: opening state database ${root}/state.db: file is not a database\n`])
    assert.ok(fs.readFileSync(path.join(root, 'state.db')).equals(bytes))
    assert.equal(fs.readdirSync(root), ['state.db'])
  } finally {
    fs.rmSync(file, { force: true })
  }
}))

test('state DB locked by another process (BEGIN EXCLUSIVE): reads go on, a write fails after the busy timeout with a clear error', () => withTestHost(async h => {
  await prepareHost(h)
  const holder = spawn(process.execPath, ['-e', `
    const D = require(${JSON.stringify(path.resolve(import.meta.dirname, '../../node_modules/better-sqlite3'))})
    const db = new D(${JSON.stringify(path.join(h.config.root, 'state.db'))})
    db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setTimeout(() => {}, 60000)`], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise<void>((resolve, reject) => { holder.stdout.once('data', () => resolve()); holder.once('exit', c => reject(new Error(`lock holder exited ${c}`))) })
    const before = listFiles(h.dir)
    const env = { PODCTL_DB_BUSY_TIMEOUT_MS: '300' }
    const list = await runPodctl([...hostArgs(h), 'ps', '-a', '--format', '{{.Names}}'], { env })
    assert.equal([list.code, list.stdout], [0, 'keep\n'])
    for (const args of [['create', '--name', 'x', '--network', 'none', 'busybox', 'true'], ['rm', '-f', 'keep'], ['pod', 'create', '--name', 'p']]) {
      const r = await runPodctl([...hostArgs(h), ...args], { env })
      assert.equal([args, r.code, r.stderr], [args, 125, 'Error: state database is locked by another process: gave up after 300 ms: database is locked\n'])
    }
    assert.equal(listFiles(h.dir), before)
  } finally {
    holder.kill('SIGKILL')
  }
  const r = await runPodctl([...hostArgs(h), 'ps', '-a', '--format', '{{.Names}}'])
  assert.equal([r.code, r.stdout], [0, 'keep\n'])
}))

test.run()
