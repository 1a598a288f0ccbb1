import type { MutexInterface } from 'async-mutex'
import { E_CANCELED, E_TIMEOUT, Mutex, withTimeout } from 'async-mutex'

import { PodctlError } from '../errors.js'

export interface StripedMapOptions<K> {
  stripes?: number
  // How long a caller waits for a stripe before LOCK_TIMEOUT (not how long it may hold it).
  lockTimeoutMs?: number
  hash?: (key: K) => number
}

// Sync access to the entries whose stripes the caller holds (inside update/withKeys).
export interface LockedEntries<K, V> {
  get (key: K): V | undefined
  set (key: K, value: V): void
  delete (key: K): boolean
  has (key: K): boolean
}

interface Stripe<K, V> { mutex: MutexInterface, entries: Map<K, V> }

export const DEFAULT_STRIPES = 64
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000

// A map split into N stripes, each guarded by its own async mutex. Every access holds
// the key's stripe; update/computeIfAbsent hold it across their awaits, so a
// read-modify-write on one key is atomic even when fn awaits in the middle.
//
// Lock ordering (the one rule that keeps this deadlock-free): code that needs several
// stripes at once takes them in ascending stripe index (withKeys, snapshot) and never
// takes a stripe while holding a higher one. Calling back into the map for a key whose
// stripe you already hold waits for yourself and ends in LOCK_TIMEOUT.
export class StripedMap<K, V> {
  private readonly stripes: Stripe<K, V>[]
  private readonly hash: (key: K) => number
  private readonly lockTimeoutMs: number

  constructor (opts: StripedMapOptions<K> = {}) {
    const n = opts.stripes ?? DEFAULT_STRIPES
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Expected \`stripes\` to be a positive integer, got \`${n}\` (${typeof n})`)
    this.lockTimeoutMs = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
    this.hash = opts.hash ?? defaultHash
    this.stripes = Array.from({ length: n }, () => ({ mutex: withTimeout(new Mutex(), this.lockTimeoutMs), entries: new Map<K, V>() }))
  }

  get stripeCount (): number {
    return this.stripes.length
  }

  stripeFor (key: K): number {
    return (this.hash(key) >>> 0) % this.stripes.length
  }

  get (key: K): Promise<V | undefined> {
    return this.withStripe(this.stripeFor(key), s => s.entries.get(key))
  }

  has (key: K): Promise<boolean> {
    return this.withStripe(this.stripeFor(key), s => s.entries.has(key))
  }

  async set (key: K, value: V): Promise<void> {
    await this.withStripe(this.stripeFor(key), s => { s.entries.set(key, value) })
  }

  delete (key: K): Promise<boolean> {
    return this.withStripe(this.stripeFor(key), s => s.entries.delete(key))
  }

  // Atomic read-modify-write: fn sees the current value and returns the new one
  // (undefined deletes). The stripe is held until fn's promise settles.
  update (key: K, fn: (current: V | undefined) => V | undefined | Promise<V | undefined>): Promise<V | undefined> {
    return this.withStripe(this.stripeFor(key), async s => {
      const next = await fn(s.entries.get(key))
      if (next === undefined) s.entries.delete(key)
      else s.entries.set(key, next)
      return next
    })
  }

  // update for a synchronous fn, without the mutex when nobody holds the stripe: then fn
  // runs at once, and since nothing awaits between its read and its write no other caller
  // can interleave (the atomicity the mutex gives, at no promise or timer per call). A
  // stripe held across an await (update with an async fn, withKeys, snapshot), or with
  // callers queued on it (async-mutex hands a released lock straight to the next waiter,
  // so it stays locked), is respected: the call queues behind them as update does.
  updateNow (key: K, fn: (current: V | undefined) => V | undefined): V | undefined | Promise<V | undefined> {
    const s = this.stripes[this.stripeFor(key)]!
    if (s.mutex.isLocked()) return this.update(key, fn)
    const next = fn(s.entries.get(key))
    if (next === undefined) s.entries.delete(key)
    else s.entries.set(key, next)
    return next
  }

  // get without the mutex when nobody holds the stripe (see updateNow).
  getNow (key: K): V | undefined | Promise<V | undefined> {
    const s = this.stripes[this.stripeFor(key)]!
    return s.mutex.isLocked() ? this.get(key) : s.entries.get(key)
  }

  // Single-flight: fn runs at most once per absent key, however many callers race;
  // the others wait on the stripe and get the stored value. A throwing fn stores nothing.
  computeIfAbsent (key: K, fn: () => V | Promise<V>): Promise<V> {
    return this.withStripe(this.stripeFor(key), async s => {
      if (s.entries.has(key)) return s.entries.get(key) as V
      const value = await fn()
      s.entries.set(key, value)
      return value
    })
  }

  // Holds the stripes of all keys (each once, ascending index) while fn runs.
  withKeys<R> (keys: Iterable<K>, fn: (entries: LockedEntries<K, V>) => R | Promise<R>): Promise<R> {
    const wanted = [...keys]
    const indices = [...new Set(wanted.map(k => this.stripeFor(k)))].sort((a, b) => a - b)
    const held = new Set(indices)
    const check = (key: K): Map<K, V> => {
      const i = this.stripeFor(key)
      if (!held.has(i)) throw new Error(`Assertion failed: key ${String(key)} is outside the stripes held by withKeys`)
      return this.stripes[i]!.entries
    }
    const view: LockedEntries<K, V> = {
      get: k => check(k).get(k),
      set: (k, v) => { check(k).set(k, v) },
      delete: k => check(k).delete(k),
      has: k => check(k).has(k),
    }
    return this.withStripes(indices, () => fn(view))
  }

  // A consistent copy of every entry: all stripes are held (ascending) while copying.
  snapshot (): Promise<Map<K, V>> {
    return this.withStripes(this.stripes.map((_, i) => i), () => {
      const out = new Map<K, V>()
      for (const s of this.stripes) for (const [k, v] of s.entries) out.set(k, v)
      return out
    })
  }

  private async withStripes<R> (indices: readonly number[], fn: () => R | Promise<R>): Promise<R> {
    const [first, ...rest] = indices
    if (first === undefined) return await fn()
    return await this.withStripe(first, () => this.withStripes(rest, fn))
  }

  private async withStripe<R> (index: number, fn: (s: Stripe<K, V>) => R | Promise<R>): Promise<R> {
    const stripe = this.stripes[index]!
    try {
      return await stripe.mutex.runExclusive(() => fn(stripe))
    } catch (err) {
      // async-mutex 0.5 rejects with shared singleton errors: compare by identity.
      if (err === E_TIMEOUT) throw new PodctlError('LOCK_TIMEOUT', `timed out after ${this.lockTimeoutMs} ms waiting for lock stripe ${index}`, { cause: err })
      if (err === E_CANCELED) throw new PodctlError('INTERRUPTED', `wait for lock stripe ${index} was canceled`, { cause: err })
      throw err
    }
  }
}

// FNV-1a over the key's string form: cheap, and spreads IDs and names evenly.
export function defaultHash (key: unknown): number {
  if (typeof key === 'number' && Number.isInteger(key)) return key
  const s = String(key)
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
