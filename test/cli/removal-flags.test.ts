import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseTimeFlag } from '../../src/cli/removal-flags.js'
import { isPodctlError } from '../../src/errors.js'
import { runInProcess } from '../helpers/cli.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('-t/--time')

const bad = (v: string, why = 'invalid syntax'): string => `Error: invalid argument "${v}" for "-t, --time" flag: strconv.ParseInt: parsing "${v}": ${why}\n`

test('parseTimeFlag: int64 seconds; any negative is Infinity (wait forever); undefined when not given', () => {
  const table: [unknown, number | undefined][] = [
    [undefined, undefined], ['0', 0], ['10', 10], [12, 12], ['+4', 4], ['007', 7],
    ['-1', Infinity], ['-2', Infinity], ['-9223372036854775808', Infinity],
    // INT64_MAX is accepted (and comes back as the nearest double).
    ['9223372036854775807', 2 ** 63],
  ]
  for (const [v, want] of table) assert.is(parseTimeFlag(v), want, String(v))
  // One past each int64 bound is out of range, as in pflag. Both round to the bound as
  // doubles (2 ** 63, -(2 ** 63)), so a range check on Number(v) would accept them.
  const rejected: [string, string][] = [
    ['1.5', 'invalid syntax'], ['abc', 'invalid syntax'], ['', 'invalid syntax'], [' 1', 'invalid syntax'], ['1 ', 'invalid syntax'], ['-', 'invalid syntax'],
    ['9223372036854775808', 'value out of range'], ['-9223372036854775809', 'value out of range'],
  ]
  for (const [v, why] of rejected) {
    let err: unknown
    try { parseTimeFlag(v) } catch (e) { err = e }
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', v)
    assert.is((err as Error).message, `invalid argument "${v}" for "-t, --time" flag: strconv.ParseInt: parsing "${v}": ${why}`)
  }
})

test('stop, container stop and pod stop: bad -t/--time/--timeout values get pflag wording, exit 125, before any lookup', () => withTempDir(async dir => {
  const cases: [string[], string][] = [
    [['stop', '-t', '1.5', 'x'], bad('1.5')],
    [['container', 'stop', '--time', 'soon', 'x'], bad('soon')],
    [['stop', '--timeout=-1.0', 'x'], bad('-1.0')],
    [['pod', 'stop', '-t', '9223372036854775808', 'p'], bad('9223372036854775808', 'value out of range')],
    [['pod', 'stop', '--timeout', 'x1', 'p'], bad('x1')],
  ]
  for (const [args, stderr] of cases) assert.equal(await runInProcess(['--root', dir, ...args]), { code: 125, stdout: '', stderr }, args.join(' '))
  // -1 parses (wait forever); the missing target is what fails.
  assert.equal(await runInProcess(['--root', dir, 'stop', '-t', '-1', 'x']), { code: 125, stdout: '', stderr: 'Error: no container with name or ID "x" found: no such container\n' })
  assert.equal(await runInProcess(['--root', dir, 'pod', 'stop', '-t', '-1', 'p']), { code: 125, stdout: '', stderr: 'Error: no pod with name or ID p found: no such pod\n' })
}))

test.run()
