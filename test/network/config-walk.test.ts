import fs from 'node:fs'
import path from 'node:path'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { MAX_CONFIG_BYTES } from '../../src/network/cni-config.js'
import { walkConfigDir } from '../../src/network/config-walk.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('config-walk')

const good = { cniVersion: '1.0.0', name: 'web', plugins: [{ type: 'bridge', bridge: 'br0', ipam: { type: 'host-local', ranges: [[{ subnet: '10.90.0.0/24' }]] } }] }

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
