import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createLogger } from '../src/log.js'

const test = suite('log')

const LINE = /^time="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)" level=(\w+) msg=(.*)\n$/

function logAll (level: 'debug' | 'info' | 'warn' | 'error'): string[] {
  const lines: string[] = []
  const log = createLogger(level, l => lines.push(l))
  log.debug('d'); log.info('i'); log.warn('w'); log.error('e')
  return lines
}

test('Podman-style lines: time, level (warn is "warning"), msg quoted', () => {
  const lines = logAll('debug')
  assert.equal(lines.map(l => LINE.exec(l)?.slice(2)), [['debug', '"d"'], ['info', '"i"'], ['warning', '"w"'], ['error', '"e"']])
  for (const l of lines) assert.ok(!Number.isNaN(Date.parse(LINE.exec(l)![1]!)), l)
  const quoted: string[] = []
  createLogger('warn', l => quoted.push(l)).warn('say "hi"\nbye')
  assert.is(LINE.exec(quoted[0]!)?.[3], '"say \\"hi\\"\\nbye"')
})

test('only messages at and above the level are written', () => {
  const levels = (lines: string[]): string[] => lines.map(l => LINE.exec(l)![2]!)
  assert.equal(levels(logAll('info')), ['info', 'warning', 'error'])
  assert.equal(levels(logAll('warn')), ['warning', 'error'])
  assert.equal(levels(logAll('error')), ['error'])
})

test.run()
