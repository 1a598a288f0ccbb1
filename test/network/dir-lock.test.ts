import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { isErrorCode } from '../../src/errors.js'
import { DirLock, LOCK_FILE_NAME } from '../../src/network/dir-lock.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('dir-lock')

// Is the file locked against `mode` by someone else? (util-linux flock, non-blocking)
function lockedAgainst (file: string, mode: '-s' | '-x'): boolean {
  return spawnSync('flock', ['-n', mode, file, 'true'], { timeout: 10_000 }).status !== 0
}

// A separate process holding flock(1) on the file until killed.
async function holdWithFlock (file: string, mode: '-s' | '-x'): Promise<ChildProcess> {
  const child = spawn('flock', ['-o', mode, file, 'sleep', '600'], { stdio: 'ignore', detached: true })
  for (let i = 0; i < 500 && !lockedAgainst(file, '-x'); i++) await sleep(10)
  assert.ok(lockedAgainst(file, '-x'), 'holder got the lock')
  return child
}

function killGroup (child: ChildProcess): void {
  try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone */ }
}

test('an external exclusive holder makes us time out with LOCK_TIMEOUT while the event loop runs', async () => {
  await withTempDir(async dir => {
    const file = path.join(dir, LOCK_FILE_NAME)
    fs.writeFileSync(file, '')
    const holder = await holdWithFlock(file, '-x')
    try {
      let ticks = 0
      const timer = setInterval(() => { ticks++ }, 5)
      const lock = new DirLock(dir, 300)
      const err = await lock.withLock('shared', async () => 'ran').catch((e: unknown) => e)
      clearInterval(timer)
      assert.ok(isErrorCode(err, 'LOCK_TIMEOUT'), String(err))
      assert.match((err as Error).message, /waiting for the shared lock on .*\.nerdctl\.lock/)
      assert.ok(ticks > 3, `event loop ticked ${ticks} times during the wait`)
    } finally {
      killGroup(holder)
    }
  })
})

test('the lock is released when its holder dies, and we get it', async () => {
  await withTempDir(async dir => {
    const file = path.join(dir, LOCK_FILE_NAME)
    fs.writeFileSync(file, '')
    const holder = await holdWithFlock(file, '-x')
    const lock = new DirLock(dir, 30_000)
    let entered = false
    const waiting = lock.withLock('exclusive', async () => { entered = true; return lockedAgainst(file, '-s') })
    await sleep(100)
    assert.is(entered, false)
    killGroup(holder)
    assert.is(await waiting, true, 'held exclusively against other processes')
    assert.is(lockedAgainst(file, '-x'), false, 'released afterwards')
    // A waited-for lock leaves no deadline timer behind to keep the process alive.
    assert.equal(process.getActiveResourcesInfo().filter(r => r === 'Timeout'), [])
  })
})

test('shared holders coexist with another process reading; the dir itself is never locked', async () => {
  await withTempDir(async dir => {
    const file = path.join(dir, LOCK_FILE_NAME)
    const lock = new DirLock(dir, 5_000)
    await lock.withLock('shared', async () => {
      assert.ok(fs.existsSync(file), 'lock file created')
      assert.is(lockedAgainst(file, '-s'), false)
      assert.is(lockedAgainst(file, '-x'), true)
    })
    await lock.withLock('exclusive', async () => {
      assert.is(lockedAgainst(file, '-s'), true)
      assert.is(lockedAgainst(dir, '-x'), false, 'config dir not locked')
    })
  })
})

test('in one process: writers exclude everyone, readers overlap', async () => {
  await withTempDir(async dir => {
    const lock = new DirLock(dir, 30_000)
    let readers = 0; let writers = 0; let maxReaders = 0; const log: string[] = []
    const tasks = Array.from({ length: 60 }, (_, i) => {
      const mode = i % 3 === 0 ? 'exclusive' : 'shared'
      return lock.withLock(mode, async () => {
        if (mode === 'exclusive') {
          writers++
          if (writers > 1 || readers > 0) log.push(`overlap at ${i}`)
          await sleep(Math.random() * 3)
          writers--
        } else {
          readers++
          maxReaders = Math.max(maxReaders, readers)
          if (writers > 0) log.push(`reader ${i} with writer`)
          await sleep(Math.random() * 3)
          readers--
        }
      })
    })
    await Promise.all(tasks)
    assert.equal(log, [])
    assert.ok(maxReaders > 1, `readers overlapped (max ${maxReaders})`)
    assert.is(lockedAgainst(path.join(dir, LOCK_FILE_NAME), '-x'), false, 'all released')
  })
})

test.run()
