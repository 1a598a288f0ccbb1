import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { formatCidr, parseCidr } from '../../src/network/cidr.js'
import { readHostRoutes } from '../../src/network/host-routes.js'
import { allocateIpv6Subnet, allocateSubnet, buildSubnetSpec, leaseRange } from '../../src/network/subnet.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('subnet')
const c = (s: string) => parseCidr(s)!

test('allocation picks the first free 10.89.N.0/24', () => {
  assert.is(formatCidr(allocateSubnet([])), '10.89.0.0/24')
  assert.is(formatCidr(allocateSubnet([c('10.89.0.0/24'), c('10.89.1.0/24')])), '10.89.2.0/24')
  assert.is(formatCidr(allocateSubnet([c('10.89.0.0/23'), c('10.89.3.0/24')])), '10.89.2.0/24')
  assert.is(formatCidr(allocateSubnet([c('10.89.0.128/25')])), '10.89.1.0/24')
  assert.is(formatCidr(allocateSubnet([c('10.88.0.0/16'), c('fd00::/64')])), '10.89.0.0/24')
})

test('IPv6 allocation: fd + 56 random bits as a /64, drawn again while it overlaps something, an error after 10 draws', () => {
  const draws = [Buffer.from('00000000000001', 'hex'), Buffer.from('0102030405ab07', 'hex')]
  const from = (list: Buffer[]) => { let i = 0; return () => list[i++ % list.length]! }
  assert.is(formatCidr(allocateIpv6Subnet([], from(draws))), 'fd00:0:0:1::/64')
  assert.is(formatCidr(allocateIpv6Subnet([c('fd00::/48')], from(draws))), 'fd01:203:405:ab07::/64')
  let calls = 0
  assert.throws(() => allocateIpv6Subnet([c('fd00::/8')], n => { calls++; return Buffer.alloc(n) }), /could not find free IPv6 subnet/)
  assert.is(calls, 10)
})

test('allocation fails cleanly when the pool is exhausted', () => {
  assert.throws(() => allocateSubnet([c('10.89.0.0/16')]), /could not find free subnet/)
})

test('gateway and ip-range are checked against the subnet', () => {
  assert.equal(buildSubnetSpec(c('10.90.0.0/24')), { subnet: '10.90.0.0/24', gateway: '10.90.0.1' })
  assert.equal(buildSubnetSpec(c('10.90.0.0/24'), '10.90.0.254', '10.90.0.128/25'),
    { subnet: '10.90.0.0/24', gateway: '10.90.0.254', rangeStart: '10.90.0.128', rangeEnd: '10.90.0.254' })
  assert.equal(leaseRange(buildSubnetSpec(c('10.90.0.0/24'), undefined, '10.90.0.0/26')), { start_ip: '10.90.0.1', end_ip: '10.90.0.63' })
  assert.throws(() => buildSubnetSpec(c('10.90.0.0/24'), '10.91.0.1'), /gateway 10\.91\.0\.1 not in subnet 10\.90\.0\.0\/24/)
  assert.throws(() => buildSubnetSpec(c('10.90.0.0/24'), '10.90.0.0'), /network or broadcast/)
  assert.throws(() => buildSubnetSpec(c('10.90.0.0/24'), 'x'), /invalid gateway "x"/)
  assert.throws(() => buildSubnetSpec(c('10.90.0.0/24'), undefined, '10.91.0.0/25'), /ip-range 10\.91\.0\.0\/25 is not inside subnet/)
  assert.throws(() => buildSubnetSpec(c('10.90.0.0/31')), /too small/)
  assert.equal(buildSubnetSpec(c('fd00:5::/64')), { subnet: 'fd00:5::/64', gateway: 'fd00:5::1' })
})

test('host routes are read from /proc/net/route format', async () => {
  await withTempDir(async dir => {
    const file = `${dir}/route`
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' +
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
      'br0\t0000590A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n')
    assert.equal(readHostRoutes(file).map(formatCidr), ['192.0.2.0/24', '10.89.0.0/16'])
  })
})

test.run()
