import { spawn } from 'node:child_process'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { waitForExit, zombieExitCode } from '../../src/runtime/stop-init.js'
import { isProcessAlive, readStartTime } from '../../src/runtime/proc-status.js'

const test = suite('stop-init exit status')

// A shell that starts `script` in the background, prints its PID and becomes `sleep`, which
// never reaps it: the exited child stays a zombie, as a container init does until its parent
// (not podctl) reaps it.
// The child runs `script` only once its parent is `sleep` (a shell may reap it before).
async function withUnreapedChild (script: string, fn: (pid: number) => Promise<void>): Promise<void> {
  const waitForSleep = 'while [ "$(cat /proc/$PPID/comm)" != sleep ]; do sleep 0.01; done'
  const parent = spawn('sh', ['-c', `sh -c '${waitForSleep}; ${script}' & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const pid = await new Promise<number>(resolve => parent.stdout.once('data', d => resolve(Number(String(d).trim()))))
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

test.run()
