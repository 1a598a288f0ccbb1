import fs from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import { LOCK_EX, LOCK_NB, loadLibc } from '../libc.js'
import { netnsPathFor } from './netns.js'

export const CONTAINER_NETWORK_LOCK_TIMEOUT_MS = 120_000
const POLL_MS = 10

export function networkLockPath (runroot: string, containerId: string): string {
  return path.join(runroot, 'network-locks', containerId)
}

// Runs fn holding an exclusive flock(2) on <runroot>/network-locks/<id>, so no two processes
// run CNI operations for one container at once (the CNI spec forbids it; a start's ADD beside
// an rm's DEL left portmap's DNAT chain referenced while DEL deleted it: "CHAIN_DEL failed
// (Device or resource busy)"). The file lives as long as the container's netns file: when fn
// leaves none, the file is unlinked while still held, and a waiter that then gets the lock on
// the unlinked inode sees the path no longer names it and locks afresh. The kernel drops the
// lock if the holder dies. A wait polls with LOCK_NB (off libuv's thread pool) and ends at the
// timeout (LOCK_TIMEOUT) or when the signal aborts (INTERRUPTED).
export async function withContainerNetworkLock<T> (runroot: string, containerId: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const file = networkLockPath(runroot, containerId)
  const deadline = Date.now() + CONTAINER_NETWORK_LOCK_TIMEOUT_MS
  const libc = loadLibc()
  for (;;) {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    const handle = await fs.open(file, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o600)
    try {
      while (libc.flock(handle.fd, LOCK_EX | LOCK_NB) !== 0) {
        if (Date.now() > deadline) {
          throw new PodctlError('LOCK_TIMEOUT', `timed out after ${CONTAINER_NETWORK_LOCK_TIMEOUT_MS / 1000} s waiting for the network lock of container ${containerId}`, {
            hint: 'another podctl process is setting up or tearing down this container\'s network',
          })
        }
        if (signal?.aborted === true) throw interrupted(containerId)
        await sleep(POLL_MS, undefined, signal === undefined ? undefined : { signal }).catch(() => { throw interrupted(containerId) })
      }
      if (!await namesHeldFile(handle, file)) continue
      try {
        return await fn()
      } finally {
        if (!await exists(netnsPathFor(runroot, containerId))) await fs.rm(file, { force: true })
      }
    } finally {
      await handle.close()
    }
  }
}

function interrupted (containerId: string): PodctlError {
  return new PodctlError('INTERRUPTED', `waiting for the network lock of container ${containerId}: interrupted`)
}

async function namesHeldFile (handle: fs.FileHandle, file: string): Promise<boolean> {
  const [held, named] = await Promise.all([handle.stat(), fs.stat(file).catch(() => undefined)])
  return named !== undefined && named.ino === held.ino && named.dev === held.dev
}

async function exists (file: string): Promise<boolean> {
  return await fs.access(file).then(() => true, () => false)
}
