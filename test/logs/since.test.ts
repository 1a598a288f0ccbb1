import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseLogTime } from '../../src/logs/since.js'

const test = suite('logs --since')

test('--since: RFC 3339, Unix seconds, Go durations; anything else is an error', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')
  assert.is(parseLogTime('2024-05-01T11:00:00Z', 'since', now), Date.parse('2024-05-01T11:00:00Z'))
  assert.is(parseLogTime('1714564800', 'since', now), 1714564800_000)
  assert.is(parseLogTime('1h30m', 'since', now), now - 90 * 60_000)
  assert.is(parseLogTime('250ms', 'since', now), now - 250)
  assert.throws(() => parseLogTime('yesterday', 'since', now), /invalid value for "--since": "yesterday"/)
})

test.run()
