import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../src/errors.js'
import { generateId, isFullId, isIdPrefix, isValidName, MAX_NAME_LENGTH, shortId, validateName } from '../src/ids.js'

const test = suite('ids')

// The message validateName throws for name, or 'ok'.
function nameError (name: string, what?: string): string {
  try {
    validateName(name, what)
    return 'ok'
  } catch (err) {
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', name)
    return (err as Error).message
  }
}

test('generateId: 64 lowercase hex digits, a new one each call', () => {
  const ids = Array.from({ length: 20 }, () => generateId())
  for (const id of ids) assert.match(id, /^[0-9a-f]{64}$/)
  assert.is(new Set(ids).size, 20)
})

test('isFullId: exactly 64 lowercase hex digits', () => {
  const table: [string, boolean][] = [
    ['a'.repeat(64), true], ['0123456789abcdef'.repeat(4), true],
    ['a'.repeat(63), false], ['a'.repeat(65), false], ['A'.repeat(64), false], ['g'.repeat(64), false], ['', false], [`${'a'.repeat(63)}\n`, false],
  ]
  for (const [s, want] of table) assert.is(isFullId(s), want, JSON.stringify(s))
})

test('isIdPrefix: 1 to 64 lowercase hex digits', () => {
  const table: [string, boolean][] = [
    ['a', true], ['0f3', true], ['a'.repeat(64), true],
    ['', false], ['a'.repeat(65), false], ['ABC', false], ['web', false], ['12-34', false],
  ]
  for (const [s, want] of table) assert.is(isIdPrefix(s), want, JSON.stringify(s))
})

test('isValidName: Podman\'s [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 253 characters', () => {
  const table: [string, boolean][] = [
    ['web', true], ['W3b_1.x-y', true], ['0', true], ['a'.repeat(MAX_NAME_LENGTH), true],
    ['', false], ['-web', false], ['_web', false], ['.web', false], ['we b', false], ['we/b', false], ['wéb', false], ['a'.repeat(MAX_NAME_LENGTH + 1), false],
  ]
  assert.is(MAX_NAME_LENGTH, 253)
  for (const [s, want] of table) assert.is(isValidName(s), want, JSON.stringify(s))
})

test('validateName: returns the name, or Podman\'s wording naming what and the rule broken', () => {
  assert.is(validateName('web'), 'web')
  assert.is(nameError('-web'), '"-web": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument')
  assert.is(nameError('a b', 'pod names'), '"a b": pod names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument')
  assert.is(nameError('a'.repeat(254)), `"${'a'.repeat(80)}…": names must be at most 253 characters: invalid argument`)
  // Shown in full up to 80 characters.
  assert.is(nameError(`-${'a'.repeat(79)}`), `"-${'a'.repeat(79)}": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`)
  assert.is(nameError('say"hi'), '"say\\"hi": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument')
})

test('shortId: the first 12 characters', () => {
  assert.is(shortId('0123456789abcdef'.repeat(4)), '0123456789ab')
  assert.is(shortId('abc'), 'abc')
})

test.run()
