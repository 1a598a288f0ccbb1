import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { MAX_CONFIG_BYTES, parseNetworkConfig } from '../../src/network/cni-config.js'

const test = suite('cni-config')

const good = { cniVersion: '1.0.0', name: 'web', plugins: [{ type: 'bridge', bridge: 'br0', ipam: { type: 'host-local', ranges: [[{ subnet: '10.90.0.0/24' }]] } }] }

function parseError (file: string, text: string): string {
  try {
    parseNetworkConfig(file, text)
  } catch (err) {
    return (err as Error).message
  }
  return 'no error'
}

test('accepts a well-formed conflist and a single-plugin .conf', () => {
  const list = parseNetworkConfig('/x/a.conflist', JSON.stringify(good))
  assert.is(list.name, 'web')
  assert.equal(list.plugins.map(p => p.type), ['bridge'])
  const conf = parseNetworkConfig('/x/b.conf', JSON.stringify({ cniVersion: '0.4.0', name: 'old', type: 'macvlan', master: 'eth0' }))
  assert.equal(conf.plugins, [{ type: 'macvlan', master: 'eth0' }])
  assert.is(conf.cniVersion, '0.4.0')
})

test('rejects malformed, truncated, oversized and wrongly typed files with a reason', () => {
  const text = JSON.stringify(good)
  const table: [string, string, RegExp][] = [
    ['a.conflist', '', /file is empty/],
    ['a.conflist', text.slice(0, text.length / 2), /invalid JSON/],
    ['a.conflist', '{"name": "x", "plugins": [', /invalid JSON/],
    ['a.conflist', '[]', /top level is not a JSON object/],
    ['a.conflist', '"str"', /top level is not a JSON object/],
    ['a.conflist', JSON.stringify({ ...good, name: 42 }), /invalid "name"/],
    ['a.conflist', JSON.stringify({ ...good, name: '../etc' }), /invalid "name"/],
    ['a.conflist', JSON.stringify({ ...good, cniVersion: 1 }), /invalid "cniVersion"/],
    ['a.conflist', JSON.stringify({ ...good, plugins: {} }), /non-empty array/],
    ['a.conflist', JSON.stringify({ ...good, plugins: [] }), /non-empty array/],
    ['a.conflist', JSON.stringify({ ...good, plugins: ['bridge'] }), /plugin 0 is not an object/],
    ['a.conflist', JSON.stringify({ ...good, plugins: [{ type: '../../bin/sh' }] }), /no valid "type"/],
    ['a.conflist', JSON.stringify({ ...good, plugins: [{ bridge: 'x' }] }), /no valid "type"/],
    ['a.conflist', JSON.stringify({ ...good, plugins: [{ type: 'bridge', ipam: 'host-local' }] }), /non-object "ipam"/],
    ['a.conflist', JSON.stringify({ ...good, args: [] }), /"args" is not an object/],
    ['a.conf', JSON.stringify(good), /holds one plugin/],
    ['a.conflist', JSON.stringify({ ...good, pad: 'x'.repeat(MAX_CONFIG_BYTES) }), /larger than/],
  ]
  for (const [file, input, want] of table) assert.match(parseError(file, input), want, `${file}: ${input.slice(0, 60)}`)
})

test.run()
