import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseLabels } from '../../src/containers/labels.js'
import { isPodctlError } from '../../src/errors.js'

const test = suite('labels')

test('k=v and bare k (value ""); the value keeps every later "="; a repeated key: the last wins', () => {
  assert.equal(parseLabels([]), {})
  assert.equal(parseLabels(['a=1', 'b', 'c=', 'url=x=y=z', 'a=2', 'sp=with space']), { a: '2', b: '', c: '', url: 'x=y=z', sp: 'with space' })
  assert.equal(parseLabels([7]), { 7: '' })
})

test('an empty key or one with whitespace is refused, naming the label', () => {
  for (const bad of ['=v', '', 'a b=1', 'tab\t=1', ' a=1']) {
    let err: unknown
    try { parseLabels(['ok=1', bad]) } catch (e) { err = e }
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', JSON.stringify(bad))
    assert.is((err as Error).message, `invalid label format: ${JSON.stringify(bad)}`)
  }
})

test.run()
