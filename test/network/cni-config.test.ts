import fs from 'node:fs'
import path from 'node:path'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { MAX_CONFIG_BYTES, parseNetworkConfig } from '../../src/network/cni-config.js'
import { walkConfigDir } from '../../src/network/config-walk.js'
import { withTempDir } from '../helpers/temp.js'

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

test('a walk reads every config once, in name order, skips broken files with a warning naming them', async () => {
  await withTempDir(async dir => {
    fs.writeFileSync(path.join(dir, '20-web.conflist'), JSON.stringify(good))
    fs.writeFileSync(path.join(dir, '10-broken.conflist'), '{"cniVersion": "1.0.0", "name": "bro')
    fs.writeFileSync(path.join(dir, '30-dup.conflist'), JSON.stringify(good))
    fs.writeFileSync(path.join(dir, '40-other.json'), JSON.stringify({ cniVersion: '1.0.0', name: 'other', type: 'ipvlan' }))
    fs.writeFileSync(path.join(dir, '.podctl-x.conflist.tmp-abc'), '{')
    fs.writeFileSync(path.join(dir, 'README'), 'not a config')
    fs.writeFileSync(path.join(dir, '50-huge.conf'), 'x'.repeat(MAX_CONFIG_BYTES + 1))
    const warnings: string[] = []
    const walk = await walkConfigDir(dir, { debug () {}, info () {}, warn: m => warnings.push(m), error () {} })
    assert.equal(walk.networks.map(n => n.name), ['web', 'other'])
    assert.is(warnings.length, 3)
    assert.match(warnings[0]!, new RegExp(`skipping CNI config file ${path.join(dir, '10-broken.conflist')}: invalid JSON`))
    assert.match(warnings[1]!, /30-dup\.conflist: network name web is already defined in .*20-web\.conflist/)
    assert.match(warnings[2]!, /50-huge\.conf: file is larger than/)
    assert.is(fs.readFileSync(path.join(dir, '10-broken.conflist'), 'utf8'), '{"cniVersion": "1.0.0", "name": "bro')
  })
})

test('a missing config dir is an empty walk', async () => {
  const walk = await walkConfigDir('/nonexistent/podctl/net.d', { debug () {}, info () {}, warn () {}, error () {} })
  assert.is(walk.networks.length, 0)
})

test.run()
