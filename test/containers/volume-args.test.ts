import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseMountArg, parseVolumeArg, parseVolumesFrom, validateDestination } from '../../src/containers/volume-args.js'
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

test('--mount: type=volume named or anonymous, type=bind; ro forms; Podman\'s key aliases', () => {
  assert.equal(parseMountArg('type=volume,source=data,destination=/data'), { kind: 'named', name: 'data', destination: '/data', readOnly: false })
  assert.equal(parseMountArg('type=volume,src=data,dst=/data/,ro'), { kind: 'named', name: 'data', destination: '/data', readOnly: true })
  assert.equal(parseMountArg('type=volume,target=/cache,readonly=true'), { kind: 'anonymous', destination: '/cache', readOnly: true })
  assert.equal(parseMountArg('type=volume,source=v,target=/x,ro=false,relabel=private'), { kind: 'named', name: 'v', destination: '/x', readOnly: false })
  assert.equal(parseMountArg('type=bind,source=/tmp,destination=/host-tmp,rw'), { kind: 'bind', source: '/tmp', destination: '/host-tmp', readOnly: false })
})

test('--mount: what it cannot honour is refused by name', () => {
  const table: [string, string][] = [
    ['source=v,destination=/d', 'invalid --mount "source=v,destination=/d": type must be given (volume, bind or tmpfs)'],
    ['type=volume,source=v', 'invalid --mount "type=volume,source=v": destination (dst, target) is required'],
    ['type=image,destination=/t', '--mount type=image is not supported by podctl: use type=volume, type=bind or type=tmpfs'],
    ['type=tmpfs,src=x,destination=/t', 'invalid --mount "type=tmpfs,src=x,destination=/t": a tmpfs mount takes no source'],
    ['type=volume,source=v,destination=/d,volume-opt=x', 'unsupported --mount option "volume-opt" in "type=volume,source=v,destination=/d,volume-opt=x"'],
    ['type=volume,source=v,destination=/d,ro=maybe', 'invalid value "maybe" for --mount option ro in "type=volume,source=v,destination=/d,ro=maybe": must be true or false'],
    ['type=bind,source=rel,destination=/d', 'invalid --mount "type=bind,source=rel,destination=/d": a bind mount needs an absolute source path'],
    ['type=bind,source=/no/such/dir,destination=/d', 'statfs /no/such/dir: no such file or directory'],
    ['type=volume,source=v,destination=../x', 'invalid container path "../x", must be an absolute path'],
    ['type=volume,source=v,destination=/a/../b', 'invalid container path "/a/../b": must not contain ".."'],
  ]
  for (const [arg, message] of table) {
    try {
      parseMountArg(arg)
      assert.unreachable(arg)
    } catch (err) {
      assert.is((err as Error).message, message, arg)
    }
  }
})

test.run()
