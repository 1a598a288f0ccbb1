import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { ociStartError } from '../../src/containers/oci-errors.js'
import { PodctlError } from '../../src/errors.js'
import { EXIT, invokeExitCodeOf } from '../../src/exit-policy.js'
import type { Host } from '../../src/host.js'

const test = suite('oci-errors')

const host = { config: { runtime: 'crun' } } as unknown as Host

test('exit 127 for a command not found, 126 for one that cannot be invoked, as Podman', () => {
  assert.equal([EXIT.CANNOT_INVOKE, EXIT.NOT_FOUND], [126, 127])
  const table: [string, number][] = [
    ['exec: "nope": executable file not found in $PATH', 127],
    ['exec /bin/x: No such file or directory', 127],
    ['exec /etc: permission denied', 126],
    ['exec /bin/dir: is a directory', 126],
  ]
  for (const [msg, code] of table) assert.is(ociStartError(host, new Error(msg)).invokeExitCode, code, msg)
})

test('a plain error becomes RUNTIME_FAILED naming the runtime, trimmed, with the original as cause', () => {
  const cause = new Error('  exec: "nope": executable file not found in $PATH\n')
  const e = ociStartError(host, cause)
  assert.instance(e, PodctlError)
  assert.equal([e.code, e.message, e.cause, e.invokeExitCode], ['RUNTIME_FAILED', 'crun exec: "nope": executable file not found in $PATH', cause, 127])
  assert.is(ociStartError(host, 'exec: permission denied').message, 'crun exec: permission denied')
})

test('a PodctlError keeps its code and message and gains the exit code', () => {
  const err = new PodctlError('INVALID_ARGUMENT', 'no such file: /x')
  const e = ociStartError(host, err)
  assert.is(e, err)
  assert.equal([e.code, e.message, e.invokeExitCode], ['INVALID_ARGUMENT', 'no such file: /x', 127])
})

test('invokeExitCodeOf: the carried exit code, undefined for anything else', () => {
  assert.is(invokeExitCodeOf(ociStartError(host, new Error('permission denied'))), 126)
  for (const v of [new Error('x'), new PodctlError('INTERNAL', 'x'), undefined, { invokeExitCode: '127' }]) assert.is(invokeExitCodeOf(v), undefined)
})

test.run()
