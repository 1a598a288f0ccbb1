// Runs tasks for one key one after another and tasks for different keys in parallel.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => {})
    this.tails.set(key, tail)
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key) })
    return next
  }
}
