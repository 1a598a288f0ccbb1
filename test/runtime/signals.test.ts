import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { isProcessAlive, readProcStatus, readStartTime, signalCanAct } from '../../src/runtime/proc-status.js'
import type { ProcStatus } from '../../src/runtime/proc-status.js'
import { parseSignal, parseTimeout } from '../../src/runtime/signals.js'

const test = suite('signals')

function thrown (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  throw new Error('expected a throw')
}

test('parseSignal accepts names with or without SIG, any case, and numbers', () => {
  assert.equal(parseSignal('TERM'), { name: 'SIGTERM', number: 15 })
  assert.equal(parseSignal('sigkill'), { name: 'SIGKILL', number: 9 })
  assert.equal(parseSignal('1'), { name: 'SIGHUP', number: 1 })
})

test('parseSignal rejects unknown names and numbers with exit-125 errors', () => {
  for (const bad of ['FOO', '0', '99', '', 'SIG']) {
    const err = thrown(() => parseSignal(bad))
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', bad)
    assert.is((err as Error).message, `invalid signal: ${bad}`)
  }
})

test('parseTimeout takes whole non-negative seconds only', () => {
  assert.is(parseTimeout('0', '--time'), 0)
  assert.is(parseTimeout(12, '--time'), 12)
  for (const bad of ['-1', '1.5', 'abc', '']) assert.ok(isPodctlError(thrown(() => parseTimeout(bad, '--time'))), bad)
})

const status = (over: Partial<ProcStatus>): ProcStatus => ({ state: 'S', sigBlk: 0n, sigCgt: 0n, sigIgn: 0n, nsPids: [100, 1], ...over })
const TERM = 1n << 14n

test('signalCanAct: PID 1 of its namespace without a handler cannot be stopped by SIGTERM', () => {
  assert.is(signalCanAct(status({}), 15), false)
  assert.is(signalCanAct(status({ sigCgt: TERM }), 15), true)
  assert.is(signalCanAct(status({ sigBlk: TERM }), 15), true)
  assert.is(signalCanAct(status({}), 9), true)
})

test('signalCanAct: an ordinary process dies by default action unless it ignores the signal', () => {
  assert.is(signalCanAct(status({ nsPids: [100] }), 15), true)
  assert.is(signalCanAct(status({ nsPids: [100, 5] }), 15), true)
  assert.is(signalCanAct(status({ nsPids: [100], sigIgn: TERM }), 15), false)
})

test('readProcStatus and readStartTime read this process', () => {
  const s = readProcStatus(process.pid)!
  assert.is(s.nsPids[0], process.pid)
  assert.ok(/^\d+$/.test(readStartTime(process.pid)!))
  assert.ok(isProcessAlive(process.pid, readStartTime(process.pid)))
  assert.not.ok(isProcessAlive(process.pid, '1'))
  assert.is(readProcStatus(2 ** 22 + 1), undefined)
})

test.run()
