import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { errorMessage, isPodctlError } from '../../src/errors.js'
import { conmonArgs } from '../../src/runtime/conmon-args.js'
import { createOciRuntime } from '../../src/runtime/exec-oci-runtime.js'
import { endMonitor } from '../../src/runtime/monitor.js'
import type { CreateRequest, OciRuntime } from '../../src/runtime/oci-runtime.js'
import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { withTempDir } from '../helpers/temp.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('OciRuntime (createOciRuntime) against a fake runtime')

// Stands in for runc: appends its argv (fields joined by \x1f) to runtime.argv next to it,
// then answers by subcommand and container ID, with runc's words for what is missing.
const FAKE_RUNTIME = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\\037' "$@" >> "$dir/runtime.argv"; echo >> "$dir/runtime.argv"
while :; do case "$1" in --root|--log|--log-format) shift 2 ;; *) break ;; esac; done
cmd=$1; shift
for last in "$@"; do :; done
case "$cmd:$last" in
  state:missing) echo 'container "missing" does not exist' >&2; exit 1 ;;
  state:*) printf '{"ociVersion":"1.0.2","id":"%s","pid":4321,"status":"running","bundle":"/b"}\\n' "$last" ;;
  list:*) printf '[{"id":"a","pid":11,"status":"running"},{"id":"b","pid":0,"status":"stopped"}]\\n' ;;
  kill:gone) echo 'container not running' >&2; exit 1 ;;
  delete:missing) echo 'container "missing" does not exist' >&2; exit 1 ;;
  start:broken) echo 'cannot start a container that has stopped' >&2; exit 1 ;;
  start:slow) exec sleep 30 ;;
  run:*) echo "to stdout"; echo "to stderr" >&2; exit 5 ;;
esac
exit 0
`

// Stands in for conmon: records its argv, leaves a "monitor" (a sleep) whose PID goes to
// --conmon-pidfile, reports the container PID on the sync pipe (fd 3) and exits 0.
const FAKE_CONMON = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\\n' "$@" > "$dir/conmon.argv"
while [ $# -gt 0 ]; do
  case "$1" in --conmon-pidfile) pidfile=$2 ;; -c) id=$2 ;; esac
  shift
done
sleep 30 </dev/null >/dev/null 2>&1 3>&- &
echo $! > "$pidfile"
if [ "$id" = bad ]; then printf '{"data": -1, "message": "runc create failed: no such image"}\\n' >&3
else printf '{"data": 4242}\\n' >&3; fi
exit 0
`

interface Fake { dir: string, runtime: OciRuntime, binary: string, root: string, calls: () => string[][] }

async function withFake (fn: (f: Fake) => Promise<void>, signal?: AbortSignal): Promise<void> {
  await withTempDir(async dir => {
    const binary = path.join(dir, 'fake-runc')
    const conmon = path.join(dir, 'fake-conmon')
    fs.writeFileSync(binary, FAKE_RUNTIME, { mode: 0o755 })
    fs.writeFileSync(conmon, FAKE_CONMON, { mode: 0o755 })
    const root = path.join(dir, 'run dir', 'runtime')
    const log: string[] = []
    const runtime = createOciRuntime({ binary, root, conmon, log: { debug: m => log.push(m), info () {}, warn () {}, error () {} }, ...(signal === undefined ? {} : { signal }) })
    const calls = (): string[][] => {
      const text = fs.existsSync(path.join(dir, 'runtime.argv')) ? fs.readFileSync(path.join(dir, 'runtime.argv'), 'utf8') : ''
      return text.split('\n').filter(Boolean).map(l => l.split('\x1f').slice(0, -1))
    }
    await fn({ dir, runtime, binary, root, calls })
  })
}

test('list: nothing to ask while the root does not exist; then one exec, parsed', () => withFake(async ({ runtime, root, calls }) => {
  assert.equal(await runtime.list(), new Map())
  assert.equal(calls(), [])
  fs.mkdirSync(root, { recursive: true })
  assert.equal(await runtime.list(), new Map([['a', { id: 'a', status: 'running', pid: 11 }], ['b', { id: 'b', status: 'stopped', pid: 0 }]]))
  assert.equal(calls(), [['--root', root, 'list', '--format', 'json']])
}))

test('start, state, kill, delete: --root first, argument arrays as given; the root is made 0700', () => withFake(async ({ runtime, root, calls }) => {
  await runtime.start('c1')
  assert.equal(await runtime.state('c1'), { id: 'c1', status: 'running', pid: 4321 })
  await runtime.kill('c1', 'SIGTERM')
  await runtime.kill('c1', 'SIGKILL', { all: true })
  await runtime.delete('c1')
  assert.equal(calls(), [
    ['--root', root, 'start', 'c1'],
    ['--root', root, 'state', 'c1'],
    ['--root', root, 'kill', 'c1', 'SIGTERM'],
    ['--root', root, 'kill', '--all', 'c1', 'SIGKILL'],
    ['--root', root, 'delete', '--force', 'c1'],
  ])
  assert.is(fs.statSync(root).mode & 0o777, 0o700)
}))

test('"already gone" is success: state undefined, kill of a stopped and delete of a missing container resolve', () => withFake(async ({ runtime }) => {
  assert.is(await runtime.state('missing'), undefined)
  await runtime.kill('gone', 'SIGTERM')
  await runtime.delete('missing')
}))

test('a container ID with no state dir under --root: state, kill and delete answer "gone" without an exec', () => withFake(async ({ runtime, root, calls }) => {
  const id = 'ab'.repeat(32)
  assert.is(await runtime.state(id), undefined)
  await runtime.kill(id, 'SIGKILL')
  await runtime.delete(id)
  assert.equal(calls(), [])
  // With the dir there, the runtime is asked.
  fs.mkdirSync(path.join(root, id), { recursive: true })
  assert.equal(await runtime.state(id), { id, status: 'running', pid: 4321 })
  await runtime.delete(id)
  assert.equal(calls(), [['--root', root, 'state', id], ['--root', root, 'delete', '--force', id]])
}))

test('a failure carries the runtime\'s stderr as the message (RUNTIME_FAILED)', () => withFake(async ({ runtime }) => {
  let err: unknown
  try { await runtime.start('broken') } catch (e) { err = e }
  assert.ok(isPodctlError(err))
  assert.equal([err.code, err.message], ['RUNTIME_FAILED', 'cannot start a container that has stopped'])
}))

test('the factory\'s signal ends a runtime exec in flight', async () => {
  const ac = new AbortController()
  await withFake(async ({ runtime, binary, root }) => {
    setTimeout(() => { ac.abort() }, 100)
    let err: unknown
    try { await runtime.start('slow') } catch (e) { err = e }
    assert.is(errorMessage(err), `${binary} --root ${root} start slow: interrupted`)
  }, ac.signal)
})

test('run: spawns `run` with --log and --pid-file, its stdout and stderr as pipes', () => withFake(async ({ runtime, root, calls }) => {
  const p = runtime.run({ id: 'c2', bundle: '/b', pidFile: '/b/pidfile', runtimeLog: '/b/runtime.log', interactive: false })
  let out = ''
  let err = ''
  p.child.stdout?.on('data', (d: Buffer) => { out += String(d) })
  p.child.stderr?.on('data', (d: Buffer) => { err += String(d) })
  const exit = await p.closed
  assert.equal([exit.exitCode, out, err], [5, 'to stdout\n', 'to stderr\n'])
  assert.equal(calls(), [['--root', root, '--log', '/b/runtime.log', '--log-format', 'json', 'run', '--bundle', '/b', '--pid-file', '/b/pidfile', 'c2']])
}))

function createRequest (dir: string, id: string): CreateRequest {
  const bundle = path.join(dir, 'bundle')
  fs.mkdirSync(bundle, { recursive: true })
  return {
    id, name: 'web', bundle, pidFile: path.join(bundle, 'pidfile'), conmonPidFile: path.join(bundle, 'conmon.pid'), runtimeLog: path.join(bundle, 'oci-log'),
    logFile: path.join(dir, 'ctr.log'), exitDir: path.join(dir, 'exits'), exitFile: path.join(dir, 'exits', id), logLevel: 'warn',
  }
}

test('create: conmon with Podman\'s arguments and the runtime\'s path; the PID it reports and the monitor it leaves', () => withFake(async ({ dir, runtime, binary, root }) => {
  const req = createRequest(dir, 'c3')
  fs.mkdirSync(req.exitDir)
  fs.writeFileSync(req.exitFile, '0')
  const created = await runtime.create(req)
  try {
    assert.is(created.pid, 4242)
    assert.is(String(created.monitor.pid), fs.readFileSync(req.conmonPidFile, 'utf8').trim())
    assert.ok(isProcessAlive(created.monitor.pid, created.monitor.start))
    assert.is(fs.readFileSync(path.join(dir, 'conmon.argv'), 'utf8'), conmonArgs({ ...req, runtimePath: binary, runtimeRoot: root }).map(a => `${a}\n`).join(''))
    assert.not.ok(fs.existsSync(req.exitFile), 'a previous run\'s exit file is gone')
  } finally {
    await endMonitor(created.monitor, 0)
  }
}))

test('create: the runtime\'s error as conmon reports it, the monitor ended', () => withFake(async ({ dir, runtime, binary }) => {
  const req = createRequest(dir, 'bad')
  let err: unknown
  try { await runtime.create(req) } catch (e) { err = e }
  assert.is(errorMessage(err), `${binary} create bad: no such image`)
  const monitor = Number(fs.readFileSync(req.conmonPidFile, 'utf8').trim())
  await waitFor(() => !isProcessAlive(monitor), 'the monitor to be ended', 2000)
}))

test.run()
