import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { ERROR_CODES, PodctlError } from '../src/errors.js'
import type { ErrorCode } from '../src/errors.js'
import { checkExitStatus, EXIT_CODES, exitCodeFor, exitStatus } from '../src/exit-policy.js'

const test = suite('exit-policy')

const e = (code: ErrorCode): PodctlError => new PodctlError(code, code)

test('every error code has a status: 1 for no such object, 2 for improper state / in use, 125 else', () => {
  assert.equal(Object.keys(EXIT_CODES).sort(), Object.keys(ERROR_CODES).sort())
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const want = code.startsWith('NO_SUCH_') ? 1 : code === 'CONTAINER_STATE_IMPROPER' || code === 'IN_USE' ? 2 : 125
    assert.is(exitCodeFor(e(code)), want, code)
  }
  assert.is(exitCodeFor(new Error('plain')), 125)
  assert.is(exitCodeFor('a string'), 125)
})

// [policy, errors, status]
const TABLE: [Parameters<typeof exitStatus>[0], unknown[], number][] = [
  ['batch', [], 0],
  ['batch', [e('RUNTIME_FAILED')], 125],
  ['batch', [e('IN_USE'), e('RUNTIME_FAILED')], 2],
  ['batch', [e('RUNTIME_FAILED'), e('CONTAINER_STATE_IMPROPER'), e('NO_SUCH_CONTAINER')], 1],
  ['batch', [e('NO_SUCH_VOLUME')], 1],
  ['pod-rm', [], 0],
  ['pod-rm', [e('NO_SUCH_CONTAINER')], 125],
  ['pod-rm', [e('CONTAINER_STATE_IMPROPER'), e('NO_SUCH_POD')], 1],
  ['pod-rm', [e('IN_USE')], 125],
  ['any-error', [], 0],
  ['any-error', [e('NO_SUCH_CONTAINER')], 125],
  ['any-error', [e('IN_USE')], 125],
  ['invoke', [Object.assign(e('RUNTIME_FAILED'), { invokeExitCode: 127 })], 127],
  ['invoke', [Object.assign(e('RUNTIME_FAILED'), { invokeExitCode: 126 })], 126],
  ['invoke', [e('NAME_IN_USE')], 125],
]

for (const [policy, errors, want] of TABLE) {
  test(`${policy}: [${errors.map(x => (x as PodctlError).code).join(', ')}] → ${want}`, () => {
    assert.is(exitStatus(policy, errors), want)
  })
}

test('system check: 1 while any finding is unrepaired', () => {
  assert.is(checkExitStatus([]), 0)
  assert.is(checkExitStatus([{ repaired: true }]), 0)
  assert.is(checkExitStatus([{ repaired: true }, { repaired: false }]), 1)
})

test.run()
