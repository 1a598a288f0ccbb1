import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { readLogs } from '../../src/logs/follow-logs.js'
import type { LogEntry } from '../../src/logs/k8s-file.js'
import { formatEntry } from '../../src/logs/k8s-file.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('follow-logs')

const line = (sec: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): string =>
  formatEntry(`2024-05-01T12:00:${String(sec).padStart(2, '0')}.000000000+00:00`, stream, false, text)
const texts = (batches: LogEntry[][]): string[][] => batches.map(b => b.map(e => e.text))

test('without follow: one delivery of the last --tail lines, after --since', () => withTempDir(async dir => {
  const file = path.join(dir, 'ctr.log')
  fs.writeFileSync(file, [1, 2, 3, 4].map(s => line(s, `l${s}`)).join(''))
  const run = async (o: { tail: number, sinceMs?: number }): Promise<string[][]> => {
    const got: LogEntry[][] = []
    await readLogs(file, { ...o, follow: false, isRunning: () => { throw new Error('not asked without follow') } }, es => got.push(es))
    return texts(got)
  }
  assert.equal(await run({ tail: -1 }), [['l1', 'l2', 'l3', 'l4']])
  assert.equal(await run({ tail: 2 }), [['l3', 'l4']])
  assert.equal(await run({ tail: -1, sinceMs: Date.parse('2024-05-01T12:00:03Z') }), [['l3', 'l4']])
  assert.equal(await run({ tail: 1, sinceMs: Date.parse('2024-05-01T12:00:02Z') }), [['l4']])
}))

test('follow: new lines are delivered as written; the lines written before the container stopped all arrive, then it returns', () => withTempDir(async dir => {
  const file = path.join(dir, 'ctr.log')
  fs.writeFileSync(file, line(1, 'old'))
  const got: LogEntry[][] = []
  let polls = 0
  await readLogs(file, {
    tail: -1, follow: true, pollMs: 1,
    isRunning: () => {
      polls++
      if (polls === 2) fs.appendFileSync(file, line(2, 'new') + line(3, 'err', 'stderr'))
      // The last line is written while the container stops: still delivered.
      if (polls === 4) { fs.appendFileSync(file, line(4, 'last')); return false }
      return true
    },
  }, es => got.push(es))
  assert.equal(texts(got), [['old'], ['new', 'err'], ['last']])
  assert.is(polls, 4)
}))

test('follow: an aborted signal ends the wait at once', () => withTempDir(async dir => {
  const file = path.join(dir, 'ctr.log')
  fs.writeFileSync(file, '')
  const ac = new AbortController()
  const started = Date.now()
  let polls = 0
  await readLogs(file, { tail: -1, follow: true, pollMs: 60_000, signal: ac.signal, isRunning: () => { if (++polls === 1) setTimeout(() => ac.abort(), 10); return true } }, () => {})
  assert.is(polls, 1)
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`)
}))

test.run()
