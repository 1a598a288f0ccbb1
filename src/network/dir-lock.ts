import fs from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'

import { PodctlError } from '../errors.js'
import { LOCK_EX, LOCK_NB, LOCK_SH, loadLibc } from '../libc.js'
import type { LockMode } from './rw-gate.js'
import { RwGate } from './rw-gate.js'

export const LOCK_FILE_NAME = '.nerdctl.lock'
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000

// flock(2) on <dir>/.nerdctl.lock (the file nerdctl locks, never the dir itself): shared
// to read, exclusive to write. The kernel drops it when the holder dies. Within one
// process an RwGate orders callers, readers share one locked fd, and at most one flock
// call waits on a worker thread at a time, so lock waits never fill libuv's thread pool.
// A wait ends at the timeout (LOCK_TIMEOUT) or when the signal aborts (INTERRUPTED); a lock
// free at once is taken even after an abort, so cleanup that needs it still runs.
export class DirLock {
  private readonly gate = new RwGate()
  private sharedCount = 0
  private sharedHandle: Promise<FileHandle> | undefined
  private pendingCall: Promise<unknown> = Promise.resolve()

  readonly dir: string
  readonly timeoutMs: number

  constructor (dir: string, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS) {
    this.dir = dir
    this.timeoutMs = timeoutMs
  }

  get lockPath (): string {
    return path.join(this.dir, LOCK_FILE_NAME)
  }

  async withLock<T> (mode: LockMode, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = Date.now() + this.timeoutMs
    await this.gate.acquire(mode, deadline, this.lockPath, signal)
    try {
      if (mode === 'exclusive') {
        const handle = await this.lockFile(LOCK_EX, deadline, signal)
        try {
          return await fn()
        } finally {
          await handle.close()
        }
      }
      if (this.sharedCount++ === 0) this.sharedHandle = this.lockFile(LOCK_SH, deadline, signal)
      const mine = this.sharedHandle!
      try {
        await mine
        return await fn()
      } finally {
        if (--this.sharedCount === 0) {
          this.sharedHandle = undefined
          await mine.then(h => h.close(), () => {})
        }
      }
    } finally {
      this.gate.release(mode)
    }
  }

  private async lockFile (op: number, deadline: number, signal: AbortSignal | undefined): Promise<FileHandle> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o755 })
    const handle = await fs.open(this.lockPath, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o644)
    let abandoned = false
    try {
      const libc = loadLibc()
      if (libc.flock(handle.fd, op | LOCK_NB) === 0) return handle
      // Wait for an abandoned call (a previous timeout) before starting another one.
      const previous = await beforeDeadline(this.pendingCall.then(() => true as const), deadline, signal)
      if (previous === 'timeout' || previous === 'interrupted') throw this.gaveUp(op, previous)
      const call = libc.flockAsync(handle.fd, op)
      this.pendingCall = call.catch(() => {})
      const won = await beforeDeadline(call, deadline, signal)
      if (won === 'timeout' || won === 'interrupted') {
        // The worker keeps waiting; drop the lock as soon as it gets it.
        abandoned = true
        void call.finally(() => handle.close().catch(() => {}))
        throw this.gaveUp(op, won)
      }
      if (won !== 0) throw new PodctlError('NETWORK_FAILED', `flock ${this.lockPath} failed`)
      return handle
    } catch (err) {
      if (!abandoned) await handle.close().catch(() => {})
      throw err
    }
  }

  private gaveUp (op: number, why: 'timeout' | 'interrupted'): PodctlError {
    const mode = op === LOCK_EX ? 'exclusive' : 'shared'
    if (why === 'interrupted') return new PodctlError('INTERRUPTED', `waiting for the ${mode} lock on ${this.lockPath}: interrupted`)
    return new PodctlError('LOCK_TIMEOUT', `timed out after ${this.timeoutMs} ms waiting for the ${mode} lock on ${this.lockPath}`, {
      hint: 'another podctl or nerdctl process holds the CNI config lock',
    })
  }
}

// Settles with the promise's value, 'timeout' at the deadline, or 'interrupted' when the
// signal aborts; neither the timer nor the listener outlives it.
async function beforeDeadline<T> (p: Promise<T>, deadline: number, signal: AbortSignal | undefined): Promise<T | 'timeout' | 'interrupted'> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const cutOff = new Promise<'timeout' | 'interrupted'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))
    onAbort = () => resolve('interrupted')
    if (signal?.aborted === true) onAbort(); else signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([p, cutOff])
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}

const locks = new Map<string, DirLock>()

// One DirLock per config dir per process, so every caller in the process shares its gate.
export function dirLockFor (dir: string, timeoutMs?: number): DirLock {
  const key = path.resolve(dir)
  let lock = locks.get(key)
  if (lock === undefined) {
    lock = new DirLock(key, timeoutMs)
    locks.set(key, lock)
  }
  return lock
}
