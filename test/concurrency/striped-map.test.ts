import { setTimeout as sleep } from 'node:timers/promises'

import { E_TIMEOUT } from 'async-mutex'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { StripedMap } from '../../src/concurrency/striped-map.js'
import { isErrorCode, isPodctlError } from '../../src/errors.js'

const test = suite('striped-map')

// Deterministic pseudo-random numbers (mulberry32), so a failure reproduces.
function rng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const randomAwait = async (r: () => number): Promise<void> => {
  const n = Math.floor(r() * 4)
  if (n === 0) await Promise.resolve()
  else if (n === 1) await sleep(0)
  else for (let i = 0; i < n; i++) await Promise.resolve()
}

interface Updatable { update (k: string, fn: (v: number | undefined) => Promise<number>): Promise<unknown> }
// The control: the same API over a plain Map, with no locking at all.
const naiveMap = (): Updatable & { map: Map<string, number> } => {
  const map = new Map<string, number>()
  return { map, async update (k, fn) { const v = map.get(k); map.set(k, await fn(v)) } }
}

// 500 racing increments on 5 keys; returns how many were issued per key.
async function hammer (m: Updatable, seed: number): Promise<Map<string, number>> {
  const r = rng(seed)
  const keys = ['a', 'b', 'c', 'd', 'e']
  const issued = new Map<string, number>()
  await Promise.all(Array.from({ length: 500 }, async () => {
    await randomAwait(r)
    const key = keys[Math.floor(r() * keys.length)]!
    issued.set(key, (issued.get(key) ?? 0) + 1)
    await m.update(key, async v => {
      const seen = v ?? 0
      await randomAwait(r)
      return seen + 1
    })
  }))
  return issued
}
const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0)

test('concurrent async read-modify-write: every key of a StripedMap ends at exactly the updates issued for it', async () => {
  for (const seed of [1, 2, 3]) {
    const striped = new StripedMap<string, number>({ stripes: 3 })
    const issued = await hammer(striped, seed)
    assert.equal(await striped.snapshot(), issued, `seed ${seed}`)
  }
  // Control, so the assertion above means something: the same workload on a plain Map
  // (no locking) interleaves its read-modify-writes and loses updates.
  const naive = naiveMap()
  const issued = await hammer(naive, 1)
  assert.ok(sum(naive.map) < sum(issued), `the workload did not interleave: ${sum(naive.map)} of ${sum(issued)}`)
})

test('computeIfAbsent is single-flight: 50 racing callers, one call', async () => {
  const m = new StripedMap<string, string>()
  let calls = 0
  const results = await Promise.all(Array.from({ length: 50 }, () => m.computeIfAbsent('k', async () => {
    calls++
    await sleep(5)
    return `value-${calls}`
  })))
  assert.is(calls, 1)
  assert.equal(results, Array.from({ length: 50 }, () => 'value-1'))
  assert.is(await m.get('k'), 'value-1')
  // Control: check-then-act on a plain Map calls the factory once per racer.
  const plain = new Map<string, string>(); let plainCalls = 0
  await Promise.all(Array.from({ length: 50 }, async () => {
    if (!plain.has('k')) { plainCalls++; await sleep(1); plain.set('k', 'v') }
  }))
  assert.ok(plainCalls > 1)
})

test('computeIfAbsent that throws stores nothing; the next caller computes again', async () => {
  const m = new StripedMap<string, number>()
  let err: unknown
  try { await m.computeIfAbsent('k', () => { throw new Error('boom') }) } catch (e) { err = e }
  assert.is((err as Error).message, 'boom')
  assert.is(await m.has('k'), false)
  assert.is(await m.computeIfAbsent('k', () => 7), 7)
})

test('per-stripe critical sections never overlap; every stripe runs in parallel with the others', async () => {
  const stripes = 4
  const m = new StripedMap<number, number>({ stripes })
  const activeBy = new Array<number>(stripes).fill(0)
  let active = 0; let maxActive = 0; let overlaps = 0
  const r = rng(7)
  await Promise.all(Array.from({ length: 100 }, async (_, i) => {
    const key = Math.floor(r() * 20)
    const s = m.stripeFor(key)
    await m.update(key, async v => {
      activeBy[s]!++; active++
      if (activeBy[s]! > 1) overlaps++
      maxActive = Math.max(maxActive, active)
      await sleep(Math.floor(r() * 3))
      activeBy[s]!--; active--
      return (v ?? 0) + i
    })
  }))
  assert.is(overlaps, 0)
  // Every update starts at once and the keys cover all 4 stripes: each stripe's first
  // holder is inside its critical section before any of them leaves it.
  assert.is(maxActive, stripes)
})

test('withKeys in opposite orders never deadlocks and keeps a transfer invariant', async () => {
  const m = new StripedMap<string, number>({ stripes: 8, lockTimeoutMs: 5_000 })
  const keys = ['x', 'y', 'z', 'w']
  for (const k of keys) await m.set(k, 100)
  const r = rng(3)
  const sums: number[] = []
  await Promise.all([
    ...Array.from({ length: 200 }, async () => {
      const a = keys[Math.floor(r() * 4)]!; const b = keys[Math.floor(r() * 4)]!
      if (a === b) return
      await m.withKeys(r() < 0.5 ? [a, b] : [b, a], async e => {
        const amount = 1 + Math.floor(r() * 5)
        e.set(a, e.get(a)! - amount)
        await randomAwait(r)
        e.set(b, e.get(b)! + amount)
      })
    }),
    ...Array.from({ length: 20 }, async () => {
      await randomAwait(r)
      sums.push([...(await m.snapshot()).values()].reduce((x, y) => x + y, 0))
    }),
  ])
  assert.equal(new Set(sums), new Set([400]))
  assert.is([...(await m.snapshot()).values()].reduce((x, y) => x + y, 0), 400)
})

test('withKeys refuses a key outside the stripes it holds', async () => {
  const m = new StripedMap<number, number>({ stripes: 4 })
  let err: unknown
  try { await m.withKeys([0], e => e.get(1)) } catch (e) { err = e }
  assert.match(String(err), 'outside the stripes held')
})

test('waiting for a held stripe past the timeout is LOCK_TIMEOUT with the sentinel as cause', async () => {
  const m = new StripedMap<string, number>({ stripes: 1, lockTimeoutMs: 30 })
  let err: unknown
  await m.update('a', async () => {
    try { await m.get('b') } catch (e) { err = e }
    return 1
  })
  assert.ok(isPodctlError(err) && isErrorCode(err, 'LOCK_TIMEOUT'))
  assert.is((err as Error).cause, E_TIMEOUT)
  assert.is(await m.get('a'), 1)
})

test('update returning undefined deletes; get/set/has/delete round-trip', async () => {
  const m = new StripedMap<string, number>()
  await m.set('a', 1)
  assert.is(await m.get('a'), 1)
  assert.is(await m.update('a', () => undefined), undefined)
  assert.is(await m.has('a'), false)
  await m.set('b', 2)
  assert.is(await m.delete('b'), true)
  assert.is(await m.delete('b'), false)
  assert.equal(await m.snapshot(), new Map())
})

test('updateNow on a free stripe applies at once and returns the value, not a promise', () => {
  const m = new StripedMap<string, number>({ stripes: 4 })
  const r = m.updateNow('a', v => (v ?? 0) + 1)
  assert.is(r, 1)
  assert.is(m.updateNow('a', v => (v ?? 0) + 1), 2)
  assert.is(m.getNow('a'), 2)
  assert.is(m.updateNow('a', () => undefined), undefined)
  assert.is(m.getNow('a'), undefined)
})

test('updateNow and getNow queue behind an update that holds the stripe across an await', async () => {
  const m = new StripedMap<string, number>({ stripes: 1 })
  await m.set('a', 1)
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const held = m.update('a', async v => { await gate; return (v ?? 0) * 10 })
  // The async update read 1 and will write 10: an increment that ran now would be lost.
  const inc = m.updateNow('a', v => (v ?? 0) + 1)
  const read = m.getNow('b')
  assert.instance(inc, Promise)
  assert.instance(read, Promise)
  release()
  await held
  assert.is(await inc, 11)
  assert.is(await m.get('a'), 11)
})

test('updateNow mixed with async updates on random keys loses no increment', async () => {
  const r = rng(7)
  const m = new StripedMap<string, number>({ stripes: 3 })
  const keys = ['a', 'b', 'c', 'd', 'e']
  const expected = new Map<string, number>()
  const work: Promise<unknown>[] = []
  for (let i = 0; i < 400; i++) {
    const k = keys[Math.floor(r() * keys.length)]!
    expected.set(k, (expected.get(k) ?? 0) + 1)
    if (r() < 0.5) {
      work.push(m.update(k, async v => { const cur = v ?? 0; await randomAwait(r); return cur + 1 }))
    } else {
      work.push((async () => { await randomAwait(r); return await m.updateNow(k, v => (v ?? 0) + 1) })())
    }
  }
  await Promise.all(work)
  assert.equal(new Map([...await m.snapshot()].sort()), new Map([...expected].sort()))
})

test('bad stripe count is a TypeError', () => {
  assert.throws(() => new StripedMap({ stripes: 0 }), /Expected `stripes` to be a positive integer, got `0`/)
})

test.run()
