import fs from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { LOCK_EX, LOCK_NB, LOCK_SH, loadLibc } from '../libc.js'
import { makeDirs } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'

const LOCK_TIMEOUT_MS = 10 * 60_000
const POLL_MS = 20

// flock(2) on <root>/storage/images.lock: shared while a pull or load unpacks layers and
// records the image, exclusive while image removal frees layers and blobs nobody uses, so a
// layer just unpacked is never freed before its image row names it.
export async function withImageStorageLock<T> (host: Host, mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> {
  const dir = path.join(host.config.root, 'storage')
  makeDirs(dir, 0o700)
  makeDirs(paths.layers(host.config), 0o700)
  const handle = await fs.open(path.join(dir, 'images.lock'), fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o600)
  try {
    const deadline = Date.now() + LOCK_TIMEOUT_MS
    const libc = loadLibc()
    while (libc.flock(handle.fd, (mode === 'shared' ? LOCK_SH : LOCK_EX) | LOCK_NB) !== 0) {
      if (Date.now() > deadline) throw new PodctlError('LOCK_TIMEOUT', `image storage is locked by another process: timed out after ${LOCK_TIMEOUT_MS / 1000} s`)
      await sleep(POLL_MS, undefined, { signal: host.signal })
    }
    return await fn()
  } finally {
    await handle.close()
  }
}
