import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { execCommand } from '../../src/process/exec-command.js'
import type { ExecFailure } from '../../src/process/exec-command.js'

const test = suite('exec-command messages')

async function failure (p: Promise<unknown>): Promise<ExecFailure> {
  try {
    await p
  } catch (err) {
    assert.ok(isPodctlError(err))
    return err as ExecFailure
  }
  throw new Error('expected a rejection')
}

test('a non-zero exit: the trimmed stderr, code and exit status carried', async () => {
  const e = await failure(execCommand('/bin/sh', ['-c', 'echo "  it broke  " >&2; exit 2'], { timeoutMs: 10_000, code: 'STORAGE_FAILED' }))
  assert.equal([e.code, e.message, e.stderr, e.exitStatus], ['STORAGE_FAILED', 'it broke', '  it broke  \n', 2])
})

test('a non-zero exit without stderr: the command and execFile\'s words', async () => {
  const e = await failure(execCommand('/bin/false', ['x y'], { timeoutMs: 10_000 }))
  assert.equal([e.code, e.message, e.exitStatus], ['RUNTIME_FAILED', '/bin/false x y: Command failed: /bin/false x y', 1])
})

test('not found, timed out, interrupted', async () => {
  const missing = await failure(execCommand('podctl-no-such-tool', ['a'], { timeoutMs: 10_000 }))
  assert.equal([missing.message, missing.exitStatus], ['podctl-no-such-tool: executable file not found in $PATH', null])
  const slow = await failure(execCommand('/bin/sleep', ['30'], { timeoutMs: 100 }))
  assert.equal([slow.message, slow.exitStatus], ['/bin/sleep 30: timed out after 100 ms', null])
  const ac = new AbortController()
  setTimeout(() => { ac.abort() }, 50)
  const stopped = await failure(execCommand('/bin/sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal }))
  assert.equal([stopped.message, stopped.exitStatus], ['/bin/sleep 30: interrupted', null])
})

test('success: stdout and stderr as text', async () => {
  assert.equal(await execCommand('/bin/sh', ['-c', 'echo out; echo err >&2'], { timeoutMs: 10_000 }), { stdout: 'out\n', stderr: 'err\n' })
})

test.run()
