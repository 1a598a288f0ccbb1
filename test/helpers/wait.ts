import { setTimeout as sleep } from 'node:timers/promises'

// Polls until fn returns a truthy value; throws after limitMs (a bound, not an assertion).
export async function waitFor<T> (fn: () => T | undefined | false | null, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const v = fn()
    if (v !== undefined && v !== false && v !== null) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
