import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import type { LockMode } from '../../src/network/rw-gate.js'
import { RwGate } from '../../src/network/rw-gate.js'

const test = suite('rw-gate')

const FAR = (): number => Date.now() + 60_000

// Acquires, logs "+name" when granted, holds for ms, logs "-name" and releases.
function holder (gate: RwGate, log: string[], name: string, mode: LockMode, ms: number): Promise<void> {
  return gate.acquire(mode, FAR(), 'net.d').then(async () => {
    log.push(`+${name}`)
    await sleep(ms)
    log.push(`-${name}`)
    gate.release(mode)
  })
}

test('readers share the gate; a writer waits for all of them and then holds it alone', async () => {
  const gate = new RwGate()
  const log: string[] = []
  await Promise.all([holder(gate, log, 'r1', 'shared', 20), holder(gate, log, 'r2', 'shared', 10), holder(gate, log, 'w', 'exclusive', 5), holder(gate, log, 'r3', 'shared', 1)])
  assert.equal(log, ['+r1', '+r2', '-r2', '-r1', '+w', '-w', '+r3', '-r3'])
})

test('first come first served: a waiting writer holds back readers that come after it', async () => {
  const gate = new RwGate()
  const log: string[] = []
  await Promise.all([holder(gate, log, 'r1', 'shared', 10), holder(gate, log, 'w1', 'exclusive', 5), holder(gate, log, 'r2', 'shared', 5), holder(gate, log, 'r3', 'shared', 5), holder(gate, log, 'w2', 'exclusive', 1)])
  assert.equal(log, ['+r1', '-r1', '+w1', '-w1', '+r2', '+r3', '-r2', '-r3', '+w2', '-w2'])
})

test('a wait past its deadline is LOCK_TIMEOUT naming mode and object, and leaves the queue moving', async () => {
  const gate = new RwGate()
  const log: string[] = []
  await gate.acquire('exclusive', FAR(), 'net.d')
  let err: unknown
  const timedOut = gate.acquire('shared', Date.now() + 20, 'net.d').catch((e: unknown) => { err = e })
  const later = holder(gate, log, 'r', 'shared', 1)
  await timedOut
  assert.ok(isPodctlError(err) && err.code === 'LOCK_TIMEOUT')
  assert.is((err as Error).message, 'timed out waiting for the shared lock on net.d')
  assert.equal(log, [])
  gate.release('exclusive')
  await later
  assert.equal(log, ['+r', '-r'])
})

test('a timed-out writer no longer holds back the readers behind it', async () => {
  const gate = new RwGate()
  const log: string[] = []
  await gate.acquire('shared', FAR(), 'x')
  const writer = gate.acquire('exclusive', Date.now() + 20, 'x').then(() => 'granted', (e: Error) => e.message)
  const reader = holder(gate, log, 'r', 'shared', 1)
  await sleep(5)
  assert.equal(log, [], 'the reader waits behind the writer')
  assert.is(await writer, 'timed out waiting for the exclusive lock on x')
  await reader
  assert.equal(log, ['+r', '-r'])
  gate.release('shared')
  await gate.acquire('exclusive', Date.now() + 1000, 'x')
})

test.run()
