import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { requireCidr } from '../../src/network/cidr.js'
import type { BuildInput, Driver } from '../../src/network/conflist-build.js'
import { buildConflist, CNI_VERSION, pickBridgeName, validateDriverOptions, validateInterfaceName } from '../../src/network/conflist-build.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('conflist-build')

function invalid (fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (err) {
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT')
    return (err as Error).message
  }
}

const input = (over: Partial<BuildInput> = {}): BuildInput => ({
  name: 'web', opts: {}, driver: 'bridge', specs: [{ subnet: '10.90.0.0/24', gateway: '10.90.0.1' }],
  cidrs: [requireCidr('10.90.0.0/24')], iface: 'podctl3', ipamDataDir: '/run/ipam', created: '2024-05-01T12:00:00.000Z', ...over,
})

test('bridge: CNI 1.0.0 bridge + portmap, host-local IPAM with a default route per family, masquerade by podctl (ipMasq false, nat mark), podctl args', () => {
  assert.is(CNI_VERSION, '1.0.0')
  const v6 = { subnet: 'fd00:1::/64', gateway: 'fd00:1::1' }
  assert.equal(buildConflist(input({
    opts: { labels: { team: 'a' } },
    specs: [{ subnet: '10.90.0.0/24', gateway: '10.90.0.1' }, { subnet: '10.91.0.0/24', gateway: '10.91.0.1' }, v6],
    cidrs: [requireCidr('10.90.0.0/24'), requireCidr('10.91.0.0/24'), requireCidr('fd00:1::/64')],
  })), {
    cniVersion: '1.0.0',
    name: 'web',
    args: { podctl: { labels: { team: 'a' }, created: '2024-05-01T12:00:00.000Z', internal: false, nat: 'podctl' } },
    plugins: [
      {
        type: 'bridge', bridge: 'podctl3', isGateway: true, ipMasq: false, hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '10.90.0.0/24', gateway: '10.90.0.1' }], [{ subnet: '10.91.0.0/24', gateway: '10.91.0.1' }], [v6]],
          dataDir: '/run/ipam', routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  })
})

test('--internal: no masquerade and no default route; -o mtu is a number on the main plugin', () => {
  const c = buildConflist(input({ opts: { internal: true, options: { mtu: '1400' } } })) as { args: Record<string, unknown>, plugins: Record<string, unknown>[] }
  assert.equal(c.plugins[0], {
    type: 'bridge', bridge: 'podctl3', isGateway: true, ipMasq: false, hairpinMode: true, mtu: 1400,
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.90.0.0/24', gateway: '10.90.0.1' }]], dataDir: '/run/ipam' },
  })
  assert.equal(c.args['podctl'], { labels: {}, created: '2024-05-01T12:00:00.000Z', internal: true })
})

test('macvlan and ipvlan: one plugin on the master interface, mode when given, no portmap', () => {
  const mac = buildConflist(input({ driver: 'macvlan', iface: 'eth0', opts: { options: { mode: 'bridge', parent: 'eth0' } } })) as { plugins: unknown[] }
  assert.equal(mac.plugins, [{ type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'host-local', ranges: [[{ subnet: '10.90.0.0/24', gateway: '10.90.0.1' }]], dataDir: '/run/ipam', routes: [{ dst: '0.0.0.0/0' }] } }])
  const ip = buildConflist(input({ driver: 'ipvlan', iface: 'eth1' })) as { plugins: Record<string, unknown>[] }
  assert.equal([ip.plugins.length, ip.plugins[0]!['type'], ip.plugins[0]!['master'], 'mode' in ip.plugins[0]!], [1, 'ipvlan', 'eth1', false])
})

test('validateDriverOptions: allowed keys per driver, mtu 100-99999 without a leading zero, modes per driver', () => {
  const table: [Driver, Record<string, string>, string][] = [
    ['bridge', { mtu: '1500' }, 'ok'],
    ['bridge', { mtu: '99999' }, 'ok'],
    ['bridge', { parent: 'eth0' }, 'unsupported bridge network option parent'],
    ['bridge', { mtu: '99' }, 'invalid mtu "99"'],
    ['bridge', { mtu: '01500' }, 'invalid mtu "01500"'],
    ['bridge', { mtu: '100000' }, 'invalid mtu "100000"'],
    ['macvlan', { parent: 'eth0', mode: 'passthru', mtu: '9000' }, 'ok'],
    ['macvlan', { mode: 'l2' }, 'unknown macvlan mode "l2": must be one of bridge, private, vepa, passthru'],
    ['ipvlan', { mode: 'l3s' }, 'ok'],
    ['ipvlan', { mode: 'bridge' }, 'unknown ipvlan mode "bridge": must be one of l2, l3, l3s'],
    ['ipvlan', { vlan: '3' }, 'unsupported ipvlan network option vlan'],
  ]
  for (const [driver, options, want] of table) assert.is(invalid(() => validateDriverOptions(driver, options)), want, `${driver} ${JSON.stringify(options)}`)
})

test('validateInterfaceName: 1-15 characters of [a-zA-Z0-9_.-], not . or ..', () => {
  for (const ok of ['eth0', 'br-1.x_y', 'a'.repeat(15)]) assert.is(validateInterfaceName(ok), ok)
  for (const bad of ['', 'a'.repeat(16), 'br 0', 'br/0', '.', '..']) {
    assert.is(invalid(() => validateInterfaceName(bad)), `invalid interface name ${JSON.stringify(bad)}: must be 1-15 characters of [a-zA-Z0-9_.-]`, bad)
  }
})

test('pickBridgeName: the first podctl<N> from 1 that no config uses and no host interface has', () => withTempDir(async dir => {
  assert.is(pickBridgeName(new Set(), dir), 'podctl1')
  fs.mkdirSync(path.join(dir, 'podctl1'))
  fs.mkdirSync(path.join(dir, 'podctl3'))
  assert.is(pickBridgeName(new Set(['podctl2']), dir), 'podctl4')
  assert.is(pickBridgeName(new Set(['podctl0']), dir), 'podctl2')
}))

test.run()
