import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { errorMessage, isErrorCode } from '../../src/errors.js'
import { DirLock, LOCK_FILE_NAME } from '../../src/network/dir-lock.js'
import { createNetns } from '../../src/network/netns.js'
import { withTempDir } from '../helpers/temp.js'

// The runtime layer's AbortSignal reaches the waits below it: the CNI config dir lock
// (in-process gate and flock) and the netns exec. (The dir lock's other tests are in
// test/network/dir-lock.test.ts.)
const test = suite('abortable waits')

function lockedAgainst (file: string, mode: '-s' | '-x'): boolean {
  return spawnSync('flock', ['-n', mode, file, 'true'], { timeout: 10_000 }).status !== 0
}

test('dir lock: an abort ends the wait for another process\'s flock with INTERRUPTED; the lock is not left held', async () => {
  await withTempDir(async dir => {
    const file = path.join(dir, LOCK_FILE_NAME)
    fs.writeFileSync(file, '')
    const holder = spawn('flock', ['-o', '-x', file, 'sleep', '600'], { stdio: 'ignore', detached: true })
    try {
      for (let i = 0; i < 500 && !lockedAgainst(file, '-x'); i++) await sleep(10)
      const lock = new DirLock(dir, 30_000)
      const ac = new AbortController()
      setTimeout(() => { ac.abort() }, 100)
      const started = Date.now()
      const err = await lock.withLock('exclusive', async () => 'ran', ac.signal).catch((e: unknown) => e)
      assert.ok(isErrorCode(err, 'INTERRUPTED'), String(err))
      assert.is(errorMessage(err), `waiting for the exclusive lock on ${file}: interrupted`)
      assert.ok(Date.now() - started < 5000)
      process.kill(-holder.pid!, 'SIGKILL')
      // The abandoned flock call gets the lock once the holder is gone and drops it at once.
      assert.is(await lock.withLock('exclusive', async () => 'ran'), 'ran')
      assert.is(lockedAgainst(file, '-x'), false)
    } finally {
      try { process.kill(-holder.pid!, 'SIGKILL') } catch { /* gone */ }
    }
  })
})

test('dir lock: an aborted waiter leaves the in-process queue; a lock free at once is taken even after an abort', async () => {
  await withTempDir(async dir => {
    const lock = new DirLock(dir, 30_000)
    const ac = new AbortController()
    let release!: () => void
    const holding = lock.withLock('exclusive', () => new Promise<void>(resolve => { release = resolve }))
    await sleep(20)
    const waiter = lock.withLock('exclusive', async () => 'ran', ac.signal).catch((e: unknown) => e)
    ac.abort()
    const err = await waiter
    assert.ok(isErrorCode(err, 'INTERRUPTED'), String(err))
    release()
    await holding
    assert.is(await lock.withLock('shared', async () => 'free', ac.signal), 'free')
  })
})

test('netns: an already aborted signal creates nothing and leaves no file', async () => {
  await withTempDir(async dir => {
    const file = path.join(dir, 'netns', 'x')
    const ac = new AbortController()
    ac.abort()
    const err = await createNetns(file, ac.signal).catch((e: unknown) => e)
    assert.ok(isErrorCode(err, 'NETWORK_FAILED'), String(err))
    assert.is(errorMessage(err), `creating network namespace failed: unshare --net=${file} ip link set lo up: interrupted`)
    assert.not.ok(fs.existsSync(file))
  })
})

test.run()
