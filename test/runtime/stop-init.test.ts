import { spawn } from 'node:child_process'
import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { OciRuntime } from '../../src/runtime/oci-runtime.js'
import { stopInit, waitForExit, zombieExitCode } from '../../src/runtime/stop-init.js'
import type { StopTarget } from '../../src/runtime/stop-init.js'
import { isProcessAlive, readStartTime } from '../../src/runtime/proc-status.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('stop-init exit status')

// A shell that starts `script` in the background, prints its PID and becomes `sleep`, which
// never reaps it: the exited child stays a zombie, as a container init does until its parent
// (not podctl) reaps it.
// The child runs `script` only once its parent is `sleep` (a shell may reap it before).
function commOf (pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return undefined
  }
}

async function withUnreapedChild (script: string, fn: (pid: number) => Promise<void>): Promise<void> {
  const waitForSleep = 'while [ "$(cat /proc/$PPID/comm)" != sleep ]; do sleep 0.01; done'
  const parent = spawn('sh', ['-c', `sh -c '${waitForSleep}; ${script}' & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const pid = await new Promise<number>(resolve => parent.stdout.once('data', d => resolve(Number(String(d).trim()))))
    // Only once the parent is `sleep` is nobody left to reap the child (under load the
    // shell may still be on its way to exec when fn kills the child).
    await waitFor(() => commOf(parent.pid!) === 'sleep' && commOf(pid) !== undefined, 'the parent to become sleep', 10_000)
    await fn(pid)
  } finally {
    parent.kill('SIGKILL')
  }
}

test('an exited, unreaped process: its exit code, or 128 + the signal that killed it', async () => {
  await withUnreapedChild('exit 42', async pid => {
    assert.equal(await waitForExit(pid, undefined, 5000), { code: 42 })
    assert.is(zombieExitCode(pid, undefined), 42)
    assert.is(zombieExitCode(pid, '1'), undefined, 'another start time names another process')
  })
  await withUnreapedChild('kill -USR1 $$; exec sleep 5', async pid => {
    assert.equal(await waitForExit(pid, undefined, 5000), { code: 128 + 10 })
  })
})

test('a live process: no exit code, and the wait times out; a reaped one: exited, code unknown', async () => {
  await withUnreapedChild('exec sleep 5', async pid => {
    const start = readStartTime(pid)
    assert.is(zombieExitCode(pid, start), undefined)
    assert.is(await waitForExit(pid, start, 50), undefined)
    assert.ok(isProcessAlive(pid, start))
    process.kill(pid, 'SIGKILL')
    assert.equal(await waitForExit(pid, start, 5000), { code: 137 })
  })
  const child = spawn('true')
  await new Promise(resolve => child.on('close', resolve))
  assert.equal(await waitForExit(child.pid!, undefined, 1000), { code: undefined })
})

// An OciRuntime that knows no container and records what it was asked.
function fakeRuntime (calls: string[]): OciRuntime {
  const no = (): never => { throw new Error('Assertion failed: not used here') }
  return {
    binary: 'fake', create: no, start: no, list: no, run: no, exec: no,
    state: async id => { calls.push(`state ${id}`); return undefined },
    kill: async (id, sig) => { calls.push(`kill ${id} ${sig}`) },
    delete: async id => { calls.push(`delete ${id}`) },
  }
}

function target (over: Partial<StopTarget>): StopTarget {
  return { id: 'c'.repeat(64), name: 'web', pid: null, pidStart: undefined, stopSignal: 'SIGTERM', timeoutSec: 10, exitCode: async () => undefined, ...over }
}

const log = (lines: string[]): { debug: (m: string) => void, info: () => void, warn: (m: string) => void, error: () => void } =>
  ({ debug: m => { lines.push(`debug: ${m}`) }, info () {}, warn: m => { lines.push(`warn: ${m}`) }, error () {} })

test('stopInit: nothing running: alreadyStopped, with the exit code its monitor recorded', async () => {
  const calls: string[] = []
  const r = await stopInit(fakeRuntime(calls), target({ exitCode: async () => 3 }), { log: log([]) })
  assert.equal(r, { alreadyStopped: true, killed: false, fastKill: false, exitCode: 3 })
  assert.equal(calls, [`state ${'c'.repeat(64)}`])
})

test('stopInit: a recorded init is signalled directly (no runtime exec) and its status read from the zombie', async () => {
  await withUnreapedChild('exec sleep 30', async pid => {
    await waitFor(() => fs.readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n', 'the child to become sleep')
    const calls: string[] = []
    const r = await stopInit(fakeRuntime(calls), target({ pid, pidStart: readStartTime(pid) }), { log: log([]) })
    assert.equal(r, { alreadyStopped: false, killed: false, fastKill: false, exitCode: 128 + 15 })
    assert.equal(calls, [])
  })
})

test('stopInit: a stop signal that cannot act (ignored) goes straight to SIGKILL, whatever the timeout', async () => {
  await withUnreapedChild('trap "" TERM; exec sleep 30', async pid => {
    await waitFor(() => fs.readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n', 'the child to become sleep')
    const lines: string[] = []
    const started = Date.now()
    const r = await stopInit(fakeRuntime([]), target({ pid, pidStart: readStartTime(pid), timeoutSec: Infinity }), { log: log(lines) })
    assert.equal(r, { alreadyStopped: false, killed: true, fastKill: true, exitCode: 137 })
    assert.ok(Date.now() - started < 5000)
    assert.equal(lines, ['debug: container web: SIGTERM cannot act on its init (PID 1 without a handler, or ignored): sending SIGKILL at once (-t -1 would wait forever)'])
  })
})

test.run()
