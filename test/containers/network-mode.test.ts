import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { joinedContainer, parseNamespaceMode, parseNetworkMode, storedMode } from '../../src/containers/network-mode.js'
import { EXIT_CODES, isPodctlError } from '../../src/errors.js'

const test = suite('network-mode')

function failure (fn: () => unknown): { message: string, exit: number } {
  try { fn() } catch (err) { assert.ok(isPodctlError(err)); return { message: err.message, exit: EXIT_CODES[err.code] } }
  throw new Error('expected a throw')
}

test('--network none/host/container:X; default is a private netns', () => {
  assert.equal(parseNetworkMode(undefined), { kind: 'private' })
  assert.equal(parseNetworkMode('none'), { kind: 'private' })
  assert.equal(parseNetworkMode('host'), { kind: 'host' })
  assert.equal(parseNetworkMode('container:web'), { kind: 'container', ref: 'web' })
})

test('a network name is not supported yet (exit 125); an empty container: target is refused', () => {
  assert.equal(failure(() => parseNetworkMode('mynet')), { message: 'network mode "mynet" is not supported yet', exit: 125 })
  assert.equal(failure(() => parseNetworkMode('container:')), { message: 'invalid --network "container:": container name or ID missing', exit: 125 })
})

test('--ipc/--pid/--uts', () => {
  assert.equal(parseNamespaceMode('ipc', 'shareable'), { kind: 'private' })
  assert.equal(parseNamespaceMode('pid', 'host'), { kind: 'host' })
  assert.equal(parseNamespaceMode('uts', 'container:a'), { kind: 'container', ref: 'a' })
  assert.equal(failure(() => parseNamespaceMode('pid', 'bogus')).message, 'invalid --pid "bogus": must be host, private or container:<name|id>')
})

test('stored form names the full ID it joins', () => {
  assert.is(storedMode({ kind: 'container', ref: 'web' }, 'f'.repeat(64)), `container:${'f'.repeat(64)}`)
  assert.is(storedMode({ kind: 'host' }), 'host')
  assert.is(joinedContainer(`container:${'f'.repeat(64)}`), 'f'.repeat(64))
  assert.is(joinedContainer('private'), undefined)
})

test.run()
