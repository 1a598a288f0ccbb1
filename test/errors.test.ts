import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { ERROR_CODES, errorMessage, invalidArgument, isErrorCode, isPodctlError, PodctlError } from '../src/errors.js'
import { EXIT_CODES, exitCodeFor, exitStatus } from '../src/exit-policy.js'
import type { ErrorCode } from '../src/errors.js'

const test = suite('errors')

test('PodctlError: code, message, hint and cause; name PodctlError', () => {
  const cause = new Error('root')
  const e = new PodctlError('NO_SUCH_POD', 'no pod p', { hint: 'try pod ps', cause })
  assert.instance(e, Error)
  assert.equal([e.name, e.code, e.message, e.hint, e.cause], ['PodctlError', 'NO_SUCH_POD', 'no pod p', 'try pod ps', cause])
  const bare = new PodctlError('INTERNAL', 'x')
  assert.is(bare.hint, undefined)
  assert.is(bare.cause, undefined)
})

test('isPodctlError and isErrorCode go by the marker, not the class (errors cross module copies)', () => {
  const e = new PodctlError('LOCK_TIMEOUT', 't')
  assert.is(isPodctlError(e), true)
  assert.is(isPodctlError({ isPodctlError: true, code: 'INTERNAL' }), true)
  for (const v of [new Error('plain'), { isPodctlError: 'yes' }, null, undefined, 'PodctlError', 125]) assert.is(isPodctlError(v), false, String(v))
  assert.is(isErrorCode(e, 'LOCK_TIMEOUT'), true)
  assert.is(isErrorCode(e, 'INTERRUPTED'), false)
  assert.is(isErrorCode(new Error('LOCK_TIMEOUT'), 'LOCK_TIMEOUT'), false)
})

test('every code names itself and has an exit status: 1 no such object, 2 improper state or in use, 125 the rest', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[]
  for (const c of codes) assert.is(ERROR_CODES[c], c)
  assert.equal(Object.keys(EXIT_CODES).sort(), [...codes].sort())
  const byStatus = (n: number): string[] => codes.filter(c => EXIT_CODES[c] === n).sort()
  assert.equal(byStatus(1), ['NO_SUCH_CONTAINER', 'NO_SUCH_IMAGE', 'NO_SUCH_NETWORK', 'NO_SUCH_POD', 'NO_SUCH_VOLUME'])
  assert.equal(byStatus(2), ['CONTAINER_STATE_IMPROPER', 'IN_USE'])
  assert.is(byStatus(125).length, codes.length - 7)
})

test('exitCodeFor: the code\'s status; 125 for anything that is not a PodctlError', () => {
  assert.is(exitCodeFor(new PodctlError('NO_SUCH_VOLUME', 'v')), 1)
  assert.is(exitCodeFor(new PodctlError('IN_USE', 'v')), 2)
  assert.is(exitCodeFor(new PodctlError('CONTAINER_HAS_DEPENDENTS', 'v')), 125)
  assert.is(exitCodeFor(new Error('boom')), 125)
  assert.is(exitCodeFor('boom'), 125)
})

test('exitStatus batch: 0 for none; 1 wins over 2, 2 over 125', () => {
  const e = (code: ErrorCode): PodctlError => new PodctlError(code, code)
  const table: [unknown[], number][] = [
    [[], 0],
    [[e('INTERNAL')], 125],
    [[new Error('plain')], 125],
    [[e('INTERNAL'), e('CONTAINER_STATE_IMPROPER')], 2],
    [[e('CONTAINER_STATE_IMPROPER'), e('NO_SUCH_CONTAINER'), e('INTERNAL')], 1],
    [[new Error('plain'), e('NO_SUCH_POD')], 1],
  ]
  for (const [errors, want] of table) assert.is(exitStatus('batch', errors), want, JSON.stringify(errors.map(x => (x as PodctlError).code ?? 'plain')))
})

test('errorMessage: an Error\'s message, anything else as a string', () => {
  assert.is(errorMessage(new Error('boom')), 'boom')
  assert.is(errorMessage(new PodctlError('INTERNAL', 'inner')), 'inner')
  assert.is(errorMessage('text'), 'text')
  assert.is(errorMessage(42), '42')
  assert.is(errorMessage(undefined), 'undefined')
})

test('invalidArgument: INVALID_ARGUMENT, exit 125, hint only when given', () => {
  const e = invalidArgument('bad flag')
  assert.equal([e.code, e.message, exitCodeFor(e), e.hint], ['INVALID_ARGUMENT', 'bad flag', 125, undefined])
  assert.is(invalidArgument('bad flag', 'use --x').hint, 'use --x')
})

test.run()
