import fs from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { LOCK_EX, LOCK_NB, loadLibc } from '../libc.js'
import { paths } from '../storage/paths.js'

export const START_LOCK_TIMEOUT_MS = 120_000
const POLL_MS = 20

// Runs fn holding an exclusive flock(2) on the container's start lock, so two processes
// never start (runtime delete + CNI attach + runtime create) the same container at once,
// e.g. two pod members both starting their infra. The lock file lives in the container's
// bundle dir, which teardown removes; the kernel drops the lock if the holder dies. Locks
// are taken dependent-first along the acyclic dependency graph, so they cannot deadlock.
// Polling with LOCK_NB keeps waits off libuv's thread pool.
export async function withStartLock<T> (host: Host, id: string, fn: () => Promise<T>): Promise<T> {
  const dir = paths.bundle(host.config, id)
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const handle = await fs.open(path.join(dir, 'start.lock'), fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o600)
  try {
    const deadline = Date.now() + START_LOCK_TIMEOUT_MS
    const libc = loadLibc()
    while (libc.flock(handle.fd, LOCK_EX | LOCK_NB) !== 0) {
      if (Date.now() > deadline) throw new PodctlError('LOCK_TIMEOUT', `container ${id} is being started by another process: timed out after ${START_LOCK_TIMEOUT_MS / 1000} s`)
      await sleep(POLL_MS, undefined, { signal: host.signal })
    }
    return await fn()
  } finally {
    await handle.close()
  }
}
