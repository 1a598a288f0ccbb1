import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { KeyedQueue } from '../../src/network/keyed-queue.js'

const test = suite('keyed-queue')

test('one key: tasks run one after another in call order; different keys run side by side', async () => {
  const q = new KeyedQueue()
  const log: string[] = []
  const task = (name: string, ms: number) => async (): Promise<string> => {
    log.push(`start ${name}`)
    await sleep(ms)
    log.push(`end ${name}`)
    return name
  }
  const results = await Promise.all([q.run('a', task('a1', 30)), q.run('a', task('a2', 1)), q.run('b', task('b1', 10)), q.run('a', task('a3', 1))])
  assert.equal(results, ['a1', 'a2', 'b1', 'a3'])
  assert.equal(log, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3'])
})

test('a failing task rejects its own caller only; the next task for the key still runs', async () => {
  const q = new KeyedQueue()
  const log: string[] = []
  const failed = q.run('k', async () => { log.push('first'); throw new Error('boom') })
  const second = q.run('k', async () => { log.push('second'); return 2 })
  let err: unknown
  try { await failed } catch (e) { err = e }
  assert.is((err as Error).message, 'boom')
  assert.is(await second, 2)
  assert.equal(log, ['first', 'second'])
})

test.run()
