import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { LogEntry } from '../../src/logs/k8s-file.js'
import { lastLines, LogRenderer } from '../../src/logs/log-reader.js'

const test = suite('log-reader')

const texts = (es: LogEntry[]): string[] => es.map(e => `${e.stream} ${e.partial ? 'P' : 'F'} ${e.text}`)

test('lastLines counts whole lines per stream; the renderer joins P pieces and prefixes timestamps once per line', () => {
  const e = (stream: 'stdout' | 'stderr', partial: boolean, text: string): LogEntry => ({ time: 'T', timeMs: 0, stream, partial, text })
  const es = [e('stdout', false, 'a'), e('stdout', true, 'b1'), e('stderr', false, 'x'), e('stdout', false, 'b2'), e('stdout', false, 'c')]
  assert.equal(texts(lastLines(es, 1)), ['stdout F c'])
  assert.equal(texts(lastLines(es, 2)), ['stdout P b1', 'stderr F x', 'stdout F b2', 'stdout F c'])
  assert.equal(lastLines(es, 0), [])
  assert.equal(lastLines(es, -1).length, 5)
  const out: string[] = []
  new LogRenderer({ timestamps: true }, (s, t) => out.push(`${s}:${t}`)).render(es)
  assert.equal(out, ['stdout:T a\n', 'stdout:T b1', 'stderr:T x\n', 'stdout:b2\n', 'stdout:T c\n'])
})

test.run()
