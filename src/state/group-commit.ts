import type { StateStore } from './sqlite-state-store.js'

interface Pending { fn: () => unknown, resolve: (v: unknown) => void, reject: (e: unknown) => void }

// Group commit: writes asked for in the same turn of the event loop run in one BEGIN
// IMMEDIATE transaction, each in a savepoint of its own (so one failing write undoes only
// itself and rejects only its caller). Every caller's promise settles after the COMMIT:
// a write is durable before its caller goes on, exactly as with one transaction each, at
// one commit (one fsync) per batch instead of per write.
export class GroupCommit {
  private queue: Pending[] = []
  private scheduled = false
  private readonly store: StateStore
  private readonly maxBatch: number

  constructor (store: StateStore, maxBatch = 1024) {
    this.store = store
    this.maxBatch = maxBatch
  }

  run<T> (fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject })
      if (this.queue.length >= this.maxBatch) this.flush()
      else if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => { this.flush() })
      }
    })
  }

  private flush (): void {
    this.scheduled = false
    const batch = this.queue.splice(0)
    if (batch.length === 0) return
    const results: ({ ok: true, value: unknown } | { ok: false, error: unknown })[] = []
    try {
      this.store.write(() => {
        for (const p of batch) {
          try {
            // A write inside a transaction is a savepoint (better-sqlite3 nests them).
            results.push({ ok: true, value: this.store.write(p.fn) })
          } catch (error) {
            results.push({ ok: false, error })
          }
        }
      })
    } catch (error) {
      // The commit itself failed: nothing of the batch is written.
      for (const p of batch) p.reject(error)
      return
    }
    batch.forEach((p, i) => {
      const r = results[i]!
      if (r.ok) p.resolve(r.value); else p.reject(r.error)
    })
  }
}
