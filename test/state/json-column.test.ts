import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { isAny, isObject, isStringArray, isStringRecord, parseJsonColumn } from '../../src/state/json-column.js'

const test = suite('json-column')

function columnError (text: string): string {
  try {
    parseJsonColumn(text, 'containers.labels', isStringRecord, {})
    return 'ok'
  } catch (err) {
    assert.ok(isPodctlError(err) && err.code === 'STATE_FAILED', text)
    return (err as Error).message
  }
}

test('parseJsonColumn: the parsed value when it has the shape; the fallback for NULL', () => {
  assert.equal(parseJsonColumn('{"a":"1"}', 'c', isStringRecord, {}), { a: '1' })
  assert.equal(parseJsonColumn('["x","y"]', 'c', isStringArray, []), ['x', 'y'])
  const fallback = ['default']
  assert.is(parseJsonColumn(null, 'c', isStringArray, fallback), fallback)
})

test('parseJsonColumn: invalid JSON and a wrong shape are STATE_FAILED naming the column, never a crash', () => {
  assert.is(columnError('{"a":'), 'state database: column containers.labels holds invalid JSON')
  assert.is(columnError('["a"]'), 'state database: column containers.labels has an unexpected shape')
  assert.is(columnError('{"a":1}'), 'state database: column containers.labels has an unexpected shape')
  assert.is(columnError('null'), 'state database: column containers.labels has an unexpected shape')
  let err: unknown
  try { parseJsonColumn('nope', 'c', isAny, null) } catch (e) { err = e }
  assert.instance((err as Error).cause, SyntaxError)
})

test('shape checks', () => {
  const values: unknown[] = [[], ['a'], ['a', 1], {}, { a: 'b' }, { a: 1 }, null, 'a', 3]
  assert.equal(values.map(isStringArray), [true, true, false, false, false, false, false, false, false])
  assert.equal(values.map(isStringRecord), [false, false, false, true, true, false, false, false, false])
  assert.equal(values.map(isObject), [false, false, false, true, true, true, false, false, false])
  assert.equal(values.map(isAny), values.map(() => true))
})

test.run()
