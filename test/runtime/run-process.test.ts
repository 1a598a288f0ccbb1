import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessError } from '../../src/process/process-error.js'
import type { ProcessError } from '../../src/process/process-error.js'
import { runProcess, spawnProcess } from '../../src/process/run-process.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('run-process')

async function rejection (p: Promise<unknown>): Promise<ProcessError> {
  try {
    await p
  } catch (err) {
    assert.ok(isProcessError(err), `a ProcessError, got ${String(err)}`)
    return err
  }
  throw new Error('expected a rejection')
}

// Traps TERM (says so on stderr and carries on): only SIGKILL ends it. Each loop turn is a
// short sleep, so the shell runs the trap promptly and an orphaned sleep goes at once.
const TRAPS_TERM = 'trap "echo TERM >&2" TERM; echo ready; while :; do sleep 0.05; done'

test('arguments are passed verbatim, never through a shell: spaces, quotes, $, ;, globs, empty strings', async () => {
  const args = ['a b', '"quoted"', "it's", '$HOME', 'x; rm -rf /', '*', '', '--flag=with space']
  const { stdout, stderr } = await runProcess('/bin/sh', ['-c', 'for a in "$@"; do printf "[%s]\\n" "$a"; done', 'sh', ...args])
  assert.is(stdout, args.map(a => `[${a}]\n`).join(''))
  assert.is(stderr, '')
})

test('exit code and stderr are captured exactly; the message is execFile\'s', async () => {
  const err = await rejection(runProcess('/bin/sh', ['-c', 'printf "out\\n"; printf "  two\\nlines  \\n" >&2; exit 3']))
  assert.equal([err.exitCode, err.signal, err.stdout, err.stderr, err.timedOut, err.isCanceled, err.code], [3, null, 'out\n', '  two\nlines  \n', false, false, undefined])
  assert.is(err.command, '/bin/sh -c printf "out\\n"; printf "  two\\nlines  \\n" >&2; exit 3')
  assert.is(err.message, `Command failed: ${err.command}\n  two\nlines  \n`)
})

test('input goes to stdin, which is then closed; without input stdin is closed at once', async () => {
  assert.is((await runProcess('/bin/cat', [], { input: '{"cniVersion":"1.0.0"}\nline 2' })).stdout, '{"cniVersion":"1.0.0"}\nline 2')
  assert.is((await runProcess('/bin/cat', [])).stdout, '')
})

test('a program that cannot be started: code ENOENT, spawn\'s message, nothing run', async () => {
  const err = await rejection(runProcess('/nonexistent/podctl-tool', ['x']))
  assert.equal([err.code, err.exitCode, err.signal, err.message], ['ENOENT', null, null, 'spawn /nonexistent/podctl-tool ENOENT'])
})

test('timeout: SIGTERM first; a process that traps it gets SIGKILL after the grace', async () => {
  const started = Date.now()
  const err = await rejection(runProcess('/bin/sh', ['-c', TRAPS_TERM], { timeoutMs: 300, forceKillAfterMs: 400 }))
  const took = Date.now() - started
  assert.equal([err.timedOut, err.isCanceled, err.signal, err.exitCode], [true, false, 'SIGKILL', null])
  assert.is(err.stdout, 'ready\n')
  assert.is(err.stderr, 'TERM\n', 'it saw the SIGTERM and lived on')
  assert.ok(took >= 700 && took < 3000, `ended after timeout + grace, took ${took} ms`)
})

test('timeout: a process that honours SIGTERM ends by it, without waiting for the grace', async () => {
  const started = Date.now()
  const err = await rejection(runProcess('/bin/sleep', ['30'], { timeoutMs: 100, forceKillAfterMs: 5000 }))
  assert.equal([err.timedOut, err.signal], [true, 'SIGTERM'])
  assert.ok(Date.now() - started < 2000)
})

test('abort: ends the process the same way (SIGTERM, then SIGKILL) and says interrupted', async () => {
  const ac = new AbortController()
  const p = spawnProcess('/bin/sh', ['-c', TRAPS_TERM], { signal: ac.signal, forceKillAfterMs: 300 })
  p.child.stdout?.once('data', () => { ac.abort(new Error('stop')) })
  const exit = await p.closed
  assert.equal([exit.isCanceled, exit.timedOut, exit.signal], [true, false, 'SIGKILL'])

  const ac2 = new AbortController()
  const run = runProcess('/bin/sleep', ['30'], { signal: ac2.signal })
  setTimeout(() => { ac2.abort() }, 50)
  const err = await rejection(run)
  assert.equal([err.isCanceled, err.signal, err.message], [true, 'SIGTERM', 'interrupted'])
})

test('an already aborted signal starts nothing', async () => {
  await withTempDir(async dir => {
    const marker = path.join(dir, 'ran')
    const ac = new AbortController()
    ac.abort()
    const err = await rejection(runProcess('/usr/bin/touch', [marker], { signal: ac.signal }))
    assert.equal([err.isCanceled, err.exitCode, err.signal], [true, null, null])
    assert.not.ok(fs.existsSync(marker))
  })
})

test('maxBuffer: output past it ends the process and fails the run', async () => {
  const err = await rejection(runProcess('/bin/sh', ['-c', 'head -c 4096 /dev/zero; exec sleep 30'], { maxBuffer: 1024 }))
  assert.is(err.message, 'stdout maxBuffer length exceeded')
  assert.is(err.signal, 'SIGTERM')
})

test('spawnProcess: streams as they come, exit status, env and cwd', async () => {
  await withTempDir(async dir => {
    const p = spawnProcess('/bin/sh', ['-c', 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 7'], { env: { ...process.env, GREETING: 'hi' }, cwd: dir })
    let out = ''
    let errText = ''
    p.child.stdout?.on('data', (d: Buffer) => { out += String(d) })
    p.child.stderr?.on('data', (d: Buffer) => { errText += String(d) })
    const exit = await p.closed
    assert.equal([exit.exitCode, exit.signal, exit.timedOut, exit.isCanceled], [7, null, false, false])
    assert.is(out, `hi from ${fs.realpathSync(dir)}\n`)
    assert.is(errText, 'oops\n')
    p.terminate()
  })
})

test('spawnProcess: a failed start settles exited and closed with the spawn error', async () => {
  const p = spawnProcess('/nonexistent/podctl-tool', [], { timeoutMs: 50 })
  const [exited, closed] = await Promise.all([p.exited, p.closed])
  assert.is(exited.spawnError?.code, 'ENOENT')
  assert.is(closed.spawnError?.code, 'ENOENT')
  assert.is(exited.timedOut, false)
})

test.run()
