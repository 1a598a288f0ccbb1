import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { FAULT_ENV, faultPoint, parseFaultSpec, resetFaultInjection, withFaultInjection } from '../../src/removal/fault-injection.js'
import type { RemovalBackend } from '../../src/removal/backend.js'
import type { ContainerRecord } from '../../src/state/types.js'

const test = suite('PODCTL_FAULT fault injection')

const web = { id: 'a'.repeat(64), name: 'web' } as ContainerRecord
const db = { id: 'b'.repeat(64), name: 'db' } as ContainerRecord

function recording (): { backend: RemovalBackend, calls: string[] } {
  const calls: string[] = []
  const rec = (step: string) => async (c: ContainerRecord | string): Promise<void> => { calls.push(`${step} ${typeof c === 'string' ? c : c.name}`) }
  return { calls, backend: { stop: rec('stop'), detachNetwork: rec('detach'), deleteRuntime: rec('delete'), teardownStorage: rec('storage'), removeVolumeData: rec('volume') } }
}

// The error a promise rejects with (fails the test when it resolves).
async function rejection (p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

async function withFault<T> (value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[FAULT_ENV]
  if (value === undefined) delete process.env[FAULT_ENV]
  else process.env[FAULT_ENV] = value
  resetFaultInjection()
  try {
    return await fn()
  } finally {
    if (saved === undefined) delete process.env[FAULT_ENV]
    else process.env[FAULT_ENV] = saved
    resetFaultInjection()
  }
}

test('parse: defaults, every field, and errors naming the bad part', () => {
  assert.equal(parseFaultSpec('step=stopped'), { step: 'stopped', container: '*', action: 'fail', probability: 1, count: Infinity })
  assert.equal(parseFaultSpec('step=deleted,container=random,action=kill'), { step: 'deleted', container: 'random', action: 'kill', probability: 0.5, count: Infinity })
  assert.equal(parseFaultSpec('step=claimed,container=web,action=hang,probability=0.25,count=2'), { step: 'claimed', container: 'web', action: 'hang', probability: 0.25, count: 2 })
  const bad: [string, string][] = [
    ['step=nope', 'PODCTL_FAULT: step must be one of claimed, stopped, network-detached, runtime-deleted, storage-removed, volumes-removed, deleted, got "nope"'],
    ['step=stopped,action=explode', 'PODCTL_FAULT: action must be one of fail, hang, kill, got "explode"'],
    ['step=stopped,probability=2', 'PODCTL_FAULT: probability must be between 0 and 1, got "2"'],
    ['step=stopped,count=0', 'PODCTL_FAULT: count must be a positive integer, got "0"'],
    ['step=stopped,colour=red', 'PODCTL_FAULT: unknown key "colour"'],
    ['stopped', 'PODCTL_FAULT: expected key=value, got "stopped"'],
  ]
  for (const [raw, message] of bad) assert.throws(() => parseFaultSpec(raw), (e: Error) => e.message === message, raw)
})

test('unset: the backend is returned unwrapped and fault points do nothing', () => withFault(undefined, async () => {
  const { backend } = recording()
  assert.is(withFaultInjection(backend), backend)
  await faultPoint('claimed', web)
}))

test('fail at a step of a named container: that step throws before its effect, other containers and steps run', () => withFault('step=network-detached,container=web', async () => {
  const { backend, calls } = recording()
  const b = withFaultInjection(backend)
  const signal = new AbortController().signal
  await b.stop(web, undefined, signal)
  assert.is((await rejection(b.detachNetwork(web, signal))).message, `injected fault (PODCTL_FAULT) at step network-detached of container ${web.id}`)
  await b.detachNetwork(db, signal)
  await b.deleteRuntime(web, signal)
  assert.equal(calls, ['stop web', 'detach db', 'delete web'])
}))

test('ID prefix matches; count limits firings; probability 0 never fires', async () => {
  await withFault(`step=runtime-deleted,container=${web.id.slice(0, 6)},count=1`, async () => {
    const { backend, calls } = recording()
    const b = withFaultInjection(backend)
    const signal = new AbortController().signal
    await rejection(b.deleteRuntime(web, signal))
    await b.deleteRuntime(web, signal)
    assert.equal(calls, ['delete web'])
  })
  await withFault('step=claimed,container=*,probability=0', async () => {
    for (let i = 0; i < 50; i++) await faultPoint('claimed', web)
  })
})

test('hang waits until the run is interrupted, then fails', () => withFault('step=storage-removed,action=hang', async () => {
  const { backend, calls } = recording()
  const ac = new AbortController()
  let settled = false
  const p = rejection(withFaultInjection(backend).teardownStorage(web, ac.signal).finally(() => { settled = true }))
  await new Promise(resolve => setTimeout(resolve, 50))
  assert.is(settled, false)
  ac.abort()
  assert.match((await p).message, /injected fault .* at step storage-removed/)
  assert.equal(calls, [])
}))

test.run()
