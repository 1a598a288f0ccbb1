import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { resolveConfig } from '../../src/config.js'
import { runInProcess, runPodctl } from '../helpers/cli.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('cli')

test('ps -a --format json on an empty state prints [] and creates the state db', () => withTempDir(async dir => {
  const r = await runInProcess(['--root', dir, 'ps', '-a', '--format', 'json'])
  assert.equal(r, { code: 0, stdout: '[]\n', stderr: '' })
  assert.ok(fs.existsSync(path.join(dir, 'state.db')))
}))

test('ps prints the Podman table header; container ls is the same command', () => withTempDir(async dir => {
  const a = await runInProcess(['--root', dir, 'ps', '-a'])
  const b = await runInProcess(['--root', dir, 'container', 'ls', '-a'])
  assert.is(a.stdout, 'CONTAINER ID  IMAGE  COMMAND  CREATED  STATUS  PORTS  NAMES\n')
  assert.equal(a, b)
}))

test('--no-trunc is a flag of its own, not the negation of --trunc', () => withTempDir(async dir => {
  const cni = ['--root', dir, '--cni-config-dir', path.join(dir, 'cni')]
  const short = await runInProcess([...cni, 'network', 'ls', '--format', '{{.ID}}'])
  const full = await runInProcess([...cni, 'network', 'ls', '--no-trunc', '--format', '{{.ID}}'])
  assert.is(full.code, 0, full.stderr)
  assert.match(full.stdout, /^[0-9a-f]{64}\n$/)
  assert.is(short.stdout, `${full.stdout.slice(0, 12)}\n`)
  for (const cmd of [['ps', '-a'], ['pod', 'ps'], ['images']]) {
    const r = await runInProcess(['--root', dir, ...cmd, '--no-trunc'])
    assert.is(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`)
  }
}))

test('unknown flag: Podman wording, exit 125', async () => {
  const r = await runInProcess(['ps', '--bogus'])
  assert.is(r.code, 125)
  assert.is(r.stderr, "Error: unknown flag: --bogus\nSee 'podctl ps --help'\n")
})

test('unknown command: exit 125', async () => {
  const r = await runInProcess(['frobnicate'])
  assert.is(r.code, 125)
  assert.is(r.stderr, "Error: unrecognized command `podctl frobnicate`\nTry 'podctl --help' for more information\n")
})

test('bad global flags: exit 125 with the flag named', async () => {
  for (const [args, msg] of [
    [['--root', 'relative/dir', 'ps'], 'Error: invalid --root "relative/dir": must be an absolute path\n'],
    [['--log-level', 'loud', 'ps'], 'Error: invalid --log-level "loud": must be one of debug, info, warn, error\n'],
    [['--runtime', 'kata', 'ps'], 'Error: invalid --runtime "kata": must be runc, crun or an absolute path\n'],
  ] as const) {
    const r = await runInProcess([...args])
    assert.is(r.code, 125, args.join(' '))
    assert.is(r.stderr, msg)
  }
})

test('bad --filter: exit 125', () => withTempDir(async dir => {
  const r = await runInProcess(['--root', dir, 'ps', '--filter', 'color=red'])
  assert.is(r.code, 125)
  assert.match(r.stderr, 'Error: color is an invalid filter')
}))

test('env vars set paths; flags win over env', () => {
  const env = { PODCTL_ROOT: '/tmp/x', PODCTL_CNI_PLUGIN_DIR: '/a:/b', PODCTL_RUNTIME: 'crun' }
  const c = resolveConfig({}, env)
  assert.equal([c.root, c.cniPluginDirs, c.runtime, c.runroot], ['/tmp/x', ['/a', '/b'], 'crun', '/run/podctl'])
  assert.is(resolveConfig({ root: '/tmp/y' }, env).root, '/tmp/y')
})

test('the built binary prints help and exits 0', async () => {
  const r = await runPodctl(['--help'])
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, 'Usage: podctl [options] <command>')
  assert.match(r.stdout, 'podctl ps')
})

test('shell completion script is generated', async () => {
  const r = await runInProcess(['completion'])
  assert.is(r.code, 0)
  assert.match(r.stdout, 'podctl')
})

test.run()
