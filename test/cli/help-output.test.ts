import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { VERSION } from '../../src/version.js'
import { PODCTL_LAUNCHER, runPodctl } from '../helpers/cli.js'
import { withTempDir } from '../helpers/temp.js'

// The built CLI's help, completion and command-line errors, byte for byte, against
// fixtures captured from the eagerly loaded CLI before commands became lazily loaded.
// A new command adds its --help case to HELP below; then regenerate its fixture with
//   UPDATE_HELP_FIXTURES=1 npx tsx test/cli/help-output.test.ts
// and review the new file (a changed existing fixture is a changed user interface).
const test = suite('help-output')

const FIXTURES = path.join(import.meta.dirname, 'fixtures/help')
const UPDATE = process.env['UPDATE_HELP_FIXTURES'] === '1'

// Every command's --help, by its words.
const HELP: string[][] = [
  [],
  ...['ps', 'rm', 'create', 'run', 'start', 'stop', 'kill', 'inspect', 'logs', 'wait', 'exec', 'images', 'rmi', 'pull', 'load', 'save', 'tag', 'untag', 'graph', 'version', 'info'].map(c => [c]),
  ['container'],
  ...['ps', 'rm', 'create', 'run', 'start', 'stop', 'kill', 'inspect', 'logs', 'wait', 'exec', 'exists'].map(c => ['container', c]),
  ['network'],
  ...['create', 'ls', 'inspect', 'rm', 'prune', 'exists'].map(c => ['network', c]),
  ['image'],
  ...['import', 'pull', 'load', 'save', 'ls', 'rm', 'prune', 'inspect', 'tag', 'untag', 'exists'].map(c => ['image', c]),
  ['volume'],
  ...['create', 'ls', 'inspect', 'rm', 'prune', 'exists'].map(c => ['volume', c]),
  ['pod'],
  ...['create', 'start', 'stop', 'ps', 'inspect', 'exists', 'rm'].map(c => ['pod', c]),
  ['system'],
  ...['check', 'reset'].map(c => ['system', c]),
]

// Other ways to ask for help, completion, and command lines yargs or a command refuses.
const OTHER: string[][] = [
  ['-h'], ['ls', '--help'], ['container', 'list', '-h'], ['pod', 'remove', '--help'], ['network', 'list', '--help'],
  ['--help', 'ps'], ['ps', '--help', 'x'], ['--root', '/nonexistent', 'pod', 'rm', '--help'], ['pod', '--help', 'rm'],
  ['--version'], ['ps', '--version'], ['help'],
  ['--root', '/nonexistent', '--version'], ['--runroot=/x', '--version', '--log-level', 'loud'], ['--root', '--version'],
  ['completion'],
  ['--get-yargs-completions', 'podctl', ''],
  ['--get-yargs-completions', 'podctl', 'po'],
  ['--get-yargs-completions', 'podctl', 'pod', ''],
  ['--get-yargs-completions', 'podctl', 'ps', '--'],
  ['--get-yargs-completions', 'podctl', 'pod', 'rm', '-'],
  ['--get-yargs-completions', 'podctl', 'network', 'create', '--'],
  ['--get-yargs-completions', 'podctl', 'container', ''],
  [],
  ['frobnicate'], ['frobnicate', '--all'], ['ps', '--bogus'], ['ps', '--bogus=1'], ['ps', 'extra'], ['ps', '--filter'],
  ['ps', '--all=maybe'],
  ['pod'], ['pod', 'frob'], ['pod', 'rm', '--bogus'], ['container'], ['container', 'frob'], ['network', 'frob', 'x'],
  ['system'], ['image', 'import'], ['network', 'inspect'], ['rmi'],
  ['--root', 'relative/dir', 'ps'], ['--log-level'], ['--log-level', 'loud', 'version'],
  ['create'], ['run'], ['rm'], ['rm', '-t', '5', 'x'], ['rm', 'nosuch'], ['rm', '-a', 'x'], ['inspect'], ['logs'],
  ['stop', '-t', 'abc', 'x'], ['kill', '--signal', 'FOO', 'x'], ['container', 'exists', 'x'], ['pod', 'rm', 'nosuch'],
  ['ps', '-a'], ['ps', '-a', '--format', 'json'], ['pod', 'ps'], ['volume', 'ls'], ['version', '--format', '{{.Client.Version}}'],
]

function fixtureName (args: string[]): string {
  const words = args.map(a => a === '' ? "''" : a).join(' ')
  const slug = words.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/^_+|_+$/g, '')
  return slug === '' ? 'podctl' : `podctl_${slug}`
}

const cases = [...HELP.map(w => [...w, '--help']), ...OTHER]

test('fixture names are unique', () => {
  const names = cases.map(fixtureName)
  assert.equal(names.filter((n, i) => names.indexOf(n) !== i), [])
})

// Each case is a whole podctl process in a temp state of its own; they run 4 at a time
// before the tests compare (one after another they took about a minute of the suite).
async function capture (args: string[]): Promise<string> {
  return await withTempDir(async dir => {
    const env = { PODCTL_ROOT: path.join(dir, 'root'), PODCTL_RUNROOT: path.join(dir, 'run'), PODCTL_CNI_CONFIG_DIR: path.join(dir, 'cni'), PODCTL_CNI_CACHE_DIR: path.join(dir, 'cache') }
    const r = await runPodctl(args, { env })
    const scrub = (s: string): string => s.split(dir).join('$TMP')
    return `$ podctl ${args.map(a => a === '' ? "''" : a).join(' ')}\nexit ${r.code}\n--- stdout\n${scrub(r.stdout)}--- stderr\n${scrub(r.stderr)}`
  })
}
const captured = new Map<string, string>()
test.before(async () => {
  const queue = [...cases]
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let args = queue.shift(); args !== undefined; args = queue.shift()) captured.set(fixtureName(args), await capture(args))
  }))
})

for (const args of cases) {
  const name = fixtureName(args)
  test(`podctl ${args.join(' ')}`, () => {
    const actual = captured.get(name)
    assert.type(actual, 'string', `no output captured for podctl ${args.join(' ')}`)
    const file = path.join(FIXTURES, `${name}.txt`)
    if (UPDATE) fs.writeFileSync(file, actual!)
    assert.ok(fs.existsSync(file), `no fixture ${file}: UPDATE_HELP_FIXTURES=1 writes it`)
    assert.fixture(actual!, fs.readFileSync(file, 'utf8'))
  })
}

test('--version prints the version wherever it runs (no package.json lookup from the cwd)', () => withTempDir(async dir => {
  const r = spawnSync(PODCTL_LAUNCHER, ['--version'], { cwd: dir, encoding: 'utf8' })
  assert.equal({ code: r.status, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: `podctl version ${VERSION}\n`, stderr: '' })
}))

test.run()
