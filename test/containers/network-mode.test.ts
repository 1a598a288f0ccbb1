import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { joinedContainer, parseNamespaceMode, parseNetworkMode, storedMode } from '../../src/containers/network-mode.js'
import { isPodctlError } from '../../src/errors.js'
import { EXIT_CODES } from '../../src/exit-policy.js'

const test = suite('network-mode')

function failure (fn: () => unknown): { message: string, exit: number } {
  try { fn() } catch (err) { assert.ok(isPodctlError(err)); return { message: err.message, exit: EXIT_CODES[err.code] } }
  throw new Error('expected a throw')
}

test('--network none/host/container:X/NAME; default (and "bridge") is the podctl CNI network', () => {
  assert.equal(parseNetworkMode(undefined), { kind: 'cni', networks: ['podctl'] })
  assert.equal(parseNetworkMode('bridge'), { kind: 'cni', networks: ['podctl'] })
  assert.equal(parseNetworkMode('front,back'), { kind: 'cni', networks: ['front', 'back'] })
  assert.equal(parseNetworkMode('none'), { kind: 'private' })
  assert.equal(parseNetworkMode('host'), { kind: 'host' })
  assert.equal(parseNetworkMode('container:web'), { kind: 'container', ref: 'web' })
})

test('bad network names and an empty container: target are refused (exit 125)', () => {
  assert.equal(failure(() => parseNetworkMode('../etc')), { message: 'invalid --network "../etc": "../etc" is not a valid network name', exit: 125 })
  assert.equal(failure(() => parseNetworkMode('a,,b')), { message: 'invalid --network "a,,b": "" is not a valid network name', exit: 125 })
  assert.equal(failure(() => parseNetworkMode('a,a')), { message: 'invalid --network "a,a": a network is named twice', exit: 125 })
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
  assert.is(storedMode({ kind: 'cni', networks: ['podctl'] }), 'bridge')
  assert.is(joinedContainer(`container:${'f'.repeat(64)}`), 'f'.repeat(64))
  assert.is(joinedContainer('private'), undefined)
})

test.run()
