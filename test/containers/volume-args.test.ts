import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseVolumeArg, parseVolumesFrom, validateDestination } from '../../src/containers/volume-args.js'
import { isPodctlError } from '../../src/errors.js'

const test = suite('volume-args')

function message (fn: () => unknown): string {
  try { fn() } catch (err) { assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT'); return (err as Error).message }
  throw new Error('expected a throw')
}

test('anonymous, named and bind forms, with options', () => {
  assert.equal(parseVolumeArg('/data'), { kind: 'anonymous', destination: '/data', readOnly: false })
  assert.equal(parseVolumeArg('/data:ro'), { kind: 'anonymous', destination: '/data', readOnly: true })
  assert.equal(parseVolumeArg('vol1:/v/'), { kind: 'named', name: 'vol1', destination: '/v', readOnly: false })
  assert.equal(parseVolumeArg('vol1:/v:ro,z'), { kind: 'named', name: 'vol1', destination: '/v', readOnly: true })
  assert.equal(parseVolumeArg('/etc:/host-etc:ro'), { kind: 'bind', source: '/etc', destination: '/host-etc', readOnly: true })
})

test('paths that escape or are not absolute are refused', () => {
  assert.is(message(() => parseVolumeArg('vol:relative')), 'invalid container path "relative", must be an absolute path')
  assert.is(message(() => parseVolumeArg('/a/../../etc')), 'invalid container path "/a/../../etc": must not contain ".."')
  assert.is(message(() => parseVolumeArg('/etc/../..:/x')), 'invalid host path "/etc/../..": must not contain ".."')
  assert.is(message(() => parseVolumeArg('../x:/x')), 'invalid volume name "../x": relative host paths are not supported')
  assert.is(message(() => parseVolumeArg('a/b:/x')), '"a/b": volume names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument')
  assert.is(message(() => validateDestination('/')), 'invalid container path "/": cannot mount a volume over the root')
})

test('a bind source must exist; bad options and shapes are named', () => {
  assert.is(message(() => parseVolumeArg('/no/such/dir-podctl:/x')), 'statfs /no/such/dir-podctl: no such file or directory')
  assert.is(message(() => parseVolumeArg('v:/x:bogus')), 'invalid volume option "bogus" in "v:/x:bogus"')
  assert.is(message(() => parseVolumeArg('a:b:c:d')), 'incorrect volume format "a:b:c:d", should be [host-dir:]ctr-dir[:option]')
})

test('--volumes-from takes an optional :ro/:rw', () => {
  assert.equal(parseVolumesFrom('web'), { ref: 'web' })
  assert.equal(parseVolumesFrom('web:ro'), { ref: 'web', readOnly: true })
  assert.is(message(() => parseVolumesFrom('web:zz')), 'invalid options "zz" in --volumes-from "web:zz"')
})

test.run()
