import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { PodctlError } from '../../src/errors.js'
import { outcomeToJson, reportToJson } from '../../src/removal/report.js'
import type { RemoveReport } from '../../src/removal/report.js'

const test = suite('removal report')

test('outcomeToJson: removed, skipped with its reason (and removedBy when another process did it), failed with message and code', () => {
  assert.equal(outcomeToJson({ status: 'removed' }), { outcome: 'removed' })
  assert.equal(outcomeToJson({ status: 'skipped', reason: 'removed by 4242', removedBy: 4242 }), { outcome: 'skipped', reason: 'removed by 4242', removedBy: 4242 })
  assert.equal(outcomeToJson({ status: 'skipped', reason: 'no such container' }), { outcome: 'skipped', reason: 'no such container' })
  assert.equal(outcomeToJson({ status: 'failed', error: new PodctlError('CONTAINER_STATE_IMPROPER', 'it runs') }), { outcome: 'failed', error: 'it runs', code: 'CONTAINER_STATE_IMPROPER' })
})

test('reportToJson: containers with input only when typed and their pod, pods without member errors, events as they are', () => {
  const events = [{ ts: 1, container: 'c1', step: 'claimed' as const }, { ts: 2, container: 'c1', step: 'failed' as const, error: 'x' }]
  const report: RemoveReport = {
    containers: [
      { id: 'c1', name: 'web', input: 'we', podId: null, outcome: { status: 'failed', error: new PodctlError('RUNTIME_FAILED', 'x') } },
      { id: 'c2', name: 'db', podId: 'p1', outcome: { status: 'removed' } },
    ],
    pods: [{ id: 'p1', name: 'pod', outcome: { status: 'removed' }, memberErrors: [new PodctlError('INTERNAL', 'hidden')] }],
    events,
  }
  assert.equal(reportToJson(report), {
    containers: [
      { id: 'c1', name: 'web', input: 'we', pod: null, outcome: 'failed', error: 'x', code: 'RUNTIME_FAILED' },
      { id: 'c2', name: 'db', pod: 'p1', outcome: 'removed' },
    ],
    pods: [{ id: 'p1', name: 'pod', outcome: 'removed' }],
    events,
  })
  assert.equal(Object.keys((reportToJson(report)['containers'] as object[])[1]!), ['id', 'name', 'pod', 'outcome'])
})

test.run()
