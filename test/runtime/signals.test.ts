import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { parseSignal, parseTimeout } from '../../src/runtime/signals.js'

const test = suite('signals')

function thrown (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  throw new Error('expected a throw')
}

test('parseSignal accepts names with or without SIG, any case, and numbers', () => {
  assert.equal(parseSignal('TERM'), { name: 'SIGTERM', number: 15 })
  assert.equal(parseSignal('sigkill'), { name: 'SIGKILL', number: 9 })
  assert.equal(parseSignal('1'), { name: 'SIGHUP', number: 1 })
})

test('parseSignal rejects unknown names and numbers with exit-125 errors', () => {
  for (const bad of ['FOO', '0', '99', '', 'SIG']) {
    const err = thrown(() => parseSignal(bad))
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', bad)
    assert.is((err as Error).message, `invalid signal: ${bad}`)
  }
})

test('parseTimeout takes whole non-negative seconds only', () => {
  assert.is(parseTimeout('0', '--time'), 0)
  assert.is(parseTimeout(12, '--time'), 12)
  for (const bad of ['-1', '1.5', 'abc', '']) assert.ok(isPodctlError(thrown(() => parseTimeout(bad, '--time'))), bad)
})

test.run()
