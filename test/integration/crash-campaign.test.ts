import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runCrashCampaign } from '../support/crash.js'
import { FAULT_STEPS } from '../../src/removal/fault-injection.js'

const test = suite('crash campaign (real runc, CNI; needs the built CLI)')

test('SIGKILL at every removal step, then the same command again: second run exits 0, system check finds nothing', async () => {
  const lines: string[] = []
  const s = await runCrashCampaign({ trials: FAULT_STEPS.length, seed: 7, steps: FAULT_STEPS, log: l => lines.push(l) })
  assert.is(s.trials, FAULT_STEPS.length)
  assert.equal(s.killPoints, Object.fromEntries(FAULT_STEPS.map(st => [`step:${st}`, 1])), lines.join('\n'))
  assert.equal(s.secondRunFailures, [], lines.join('\n'))
  assert.equal(s.findings, [], lines.join('\n'))
  assert.equal(s.natLeaks, [], lines.join('\n'))
})

test('SIGKILL at random moments and random steps (5 trials): no findings, second runs exit 0', async () => {
  const lines: string[] = []
  const s = await runCrashCampaign({ trials: 5, seed: 20261123, log: l => lines.push(l) })
  assert.is(s.trials, 5)
  assert.equal([s.secondRunFailures, s.findings, s.natLeaks], [[], [], []], lines.join('\n'))
})

test.run()
