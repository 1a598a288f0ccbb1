import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { checkExitCode, renderCheckText } from '../../src/check/index.js'
import type { CheckReport } from '../../src/check/index.js'

const test = suite('system check report')

const report: CheckReport = {
  findings: [
    { kind: 'orphan-netns', object: '/run/podctl/netns/abc', detail: 'network namespace /run/podctl/netns/abc belongs to no container', repaired: true },
    { kind: 'bad-conflist', object: '/etc/cni/net.d/x.conflist', detail: 'invalid JSON', repaired: false, reason: 'podctl never changes a CNI config file it cannot parse; fix or remove it by hand' },
  ],
}

test('text: one line per finding with its status, then a count; clean says so', () => {
  assert.is(renderCheckText(report, true), [
    'orphan-netns: /run/podctl/netns/abc: network namespace /run/podctl/netns/abc belongs to no container (repaired)',
    'bad-conflist: /etc/cni/net.d/x.conflist: invalid JSON (not repaired: podctl never changes a CNI config file it cannot parse; fix or remove it by hand)',
    '2 inconsistencies found, 1 repaired, 1 left',
    '',
  ].join('\n'))
  assert.is(renderCheckText({ findings: [{ ...report.findings[0]!, repaired: false }] }, false).split('\n')[0], 'orphan-netns: /run/podctl/netns/abc: network namespace /run/podctl/netns/abc belongs to no container (found)')
  assert.is(renderCheckText({ findings: [] }, false), 'No inconsistencies found\n')
})

test('exit code: 0 when everything found was repaired (or nothing found), 1 otherwise', () => {
  assert.is(checkExitCode({ findings: [] }), 0)
  assert.is(checkExitCode({ findings: [report.findings[0]!] }), 0)
  assert.is(checkExitCode(report), 1)
})

test.run()
