import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessAlive, readProcStatus, readStartTime, signalCanAct } from '../../src/runtime/proc-status.js'
import type { ProcStatus } from '../../src/runtime/proc-status.js'

const test = suite('proc-status')

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
