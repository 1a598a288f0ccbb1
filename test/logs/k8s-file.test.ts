import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { formatEntry, K8sFileWriter, LOG_LINE_MAX, parseEntry, timestampNow } from '../../src/logs/k8s-file.js'
import type { LogEntry } from '../../src/logs/k8s-file.js'
import { LogReader } from '../../src/logs/log-reader.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('k8s-file logs')

const texts = (es: LogEntry[]): string[] => es.map(e => `${e.stream} ${e.partial ? 'P' : 'F'} ${e.text}`)

test('writer: one F entry per line, chunks joined, a last line without newline is P; format parses back', () => withTempDir(dir => {
  const file = path.join(dir, 'ctr.log')
  const w = new K8sFileWriter(file)
  w.write('stdout', Buffer.from('hel'))
  w.write('stderr', Buffer.from('err\n'))
  w.write('stdout', Buffer.from('lo\nwor'))
  w.write('stdout', Buffer.from('ld\nrest'))
  w.close()
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00 (stdout|stderr) [FP] /)
  assert.equal(texts(new LogReader(file).poll()), ['stderr F err', 'stdout F hello', 'stdout F world', 'stdout P rest'])
  assert.equal(parseEntry(formatEntry('2024-01-01T00:00:00.000000001+00:00', 'stderr', true, 'a b ').slice(0, -1)), { time: '2024-01-01T00:00:00.000000001+00:00', timeMs: Date.parse('2024-01-01T00:00:00Z'), stream: 'stderr', partial: true, text: 'a b ' })
  assert.is(parseEntry('garbage'), undefined)
}))

test('writer: long lines split into P pieces; timestamps strictly increase', () => withTempDir(dir => {
  const file = path.join(dir, 'ctr.log')
  const w = new K8sFileWriter(file)
  w.write('stdout', Buffer.from('x'.repeat(LOG_LINE_MAX + 5) + '\n'))
  w.close()
  const es = new LogReader(file).poll()
  assert.equal(es.map(e => [e.partial, e.text.length]), [[true, LOG_LINE_MAX], [false, 5]])
  const a = timestampNow(); const b = timestampNow()
  assert.ok(b > a)
}))

test('rotation: bounded to two files; a reader following across rotations loses and repeats nothing', () => withTempDir(dir => {
  const file = path.join(dir, 'ctr.log')
  const w = new K8sFileWriter(file, 400)
  const reader = new LogReader(file)
  const seen: string[] = []
  for (let i = 0; i < 40; i++) {
    w.write(i % 2 === 0 ? 'stdout' : 'stderr', Buffer.from(`line ${i}\n`))
    if (i % 3 === 0) seen.push(...reader.poll().map(e => e.text))
  }
  w.close()
  seen.push(...reader.poll().map(e => e.text))
  assert.equal(seen, Array.from({ length: 40 }, (_, i) => `line ${i}`))
  assert.ok(fs.statSync(file).size <= 400)
  assert.ok(fs.statSync(`${file}.1`).size <= 400)
  assert.equal(fs.readdirSync(dir).sort(), ['ctr.log', 'ctr.log.1'])
  // A fresh reader sees what the two files still hold, in order.
  const kept = new LogReader(file).poll().map(e => Number(e.text.split(' ')[1]))
  assert.equal(kept, [...kept].sort((x, y) => x - y))
  assert.is(kept[kept.length - 1], 39)
}))

test.run()
