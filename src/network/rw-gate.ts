import { PodctlError } from '../errors.js'

export type LockMode = 'shared' | 'exclusive'

interface Waiter { mode: LockMode, grant: () => void }

// In-process readers/writer gate, first come first served, with a deadline per wait and
// an optional abort signal (which ends a wait, never a grant already made).
// A waiting writer holds back later readers, so writers are not starved.
export class RwGate {
  private readers = 0
  private writer = false
  private readonly queue: Waiter[] = []

  acquire (mode: LockMode, deadline: number, what: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const waiter: Waiter = { mode, grant: () => { settle(); resolve() } }
      // Leaves the queue unless already granted; false when it was.
      const leave = (): boolean => {
        const i = this.queue.indexOf(waiter)
        if (i < 0) return false
        this.queue.splice(i, 1)
        settle()
        this.pump()
        return true
      }
      const onAbort = (): void => {
        if (leave()) reject(new PodctlError('INTERRUPTED', `waiting for the ${mode} lock on ${what}: interrupted`, { cause: signal?.reason }))
      }
      this.queue.push(waiter)
      this.pump()
      if (!this.queue.includes(waiter)) return
      timer = setTimeout(() => {
        if (leave()) reject(new PodctlError('LOCK_TIMEOUT', `timed out waiting for the ${mode} lock on ${what}`))
      }, Math.max(0, deadline - Date.now()))
      if (signal?.aborted === true) onAbort()
      else signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  release (mode: LockMode): void {
    if (mode === 'shared') this.readers--
    else this.writer = false
    this.pump()
  }

  private pump (): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!
      if (this.writer) return
      if (head.mode === 'exclusive') {
        if (this.readers > 0) return
        this.writer = true
      } else {
        this.readers++
      }
      this.queue.shift()
      head.grant()
    }
  }
}
