import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { mustBeZero, runStress } from '../support/stress/run.js'

const test = suite('stress run (real runc, CNI; needs the built CLI)')

test('4 concurrent podctl processes for 20 s on shared names and networks: no unexpected error, no duplicate IP, no leak', async () => {
  const lines: string[] = []
  const s = await runStress({ processes: 4, durationSec: 20, seed: 4242, log: l => lines.push(l) })
  const zero = mustBeZero(s)
  assert.equal(zero, { unexpectedErrors: 0, jsonParseErrors: 0, duplicateIps: 0, sweepErrors: 0, leaks: 0, natLeaks: 0 }, [...lines, JSON.stringify({ unexpected: s.unexpected, findings: s.findings, sweep: s.sweepErrors, dup: s.duplicateIps, nat: s.natLeaks }, null, 2)].join('\n'))
  // The run did real work (counts depend on machine load, so only that some happened).
  const ok = Object.values(s.byKind).reduce((n, o) => n + (o['ok'] ?? 0), 0)
  assert.ok(s.operations >= 10 && ok > 0, JSON.stringify(s.byKind))
  assert.ok(s.ipSamples > 0)
})

test.run()
