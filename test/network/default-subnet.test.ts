import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { parseCidr } from '../../src/network/cidr.js'
import type { ConfigWalk } from '../../src/network/config-walk.js'
import { pickDefaultSubnet } from '../../src/network/create-plan.js'
import type { HostSubnet } from '../../src/network/host-routes.js'

const test = suite('default network subnet')

const empty: ConfigWalk = { networks: [], byName: new Map(), skipped: [] }
// As readHostSubnets gives them: an interface address masked to its network.
const on = (dev: string, cidr: string): HostSubnet => ({ dev, cidr: parseCidr(cidr)! })

test('a free host: Podman\'s 10.88.0.0/16', () => {
  assert.is(pickDefaultSubnet(empty, [on('eth0', '192.0.2.2/24')], 'podctl0'), '10.88.0.0/16')
})

test('10.88.0.0/16 held by another interface (Podman\'s cni-podman0): the first free of 10.90-10.99', () => {
  assert.is(pickDefaultSubnet(empty, [on('cni-podman0', '10.88.0.1/16'), on('br-x', '10.90.0.1/16')], 'podctl0'), '10.91.0.0/16')
})

test('the shared default bridge is up with 10.92.0.1/16 (another root chose it): every root takes that one, even with 10.88 free', () => {
  assert.is(pickDefaultSubnet(empty, [on('podctl0', '10.92.0.1/16'), on('podctl0', '10.92.0.0/16')], 'podctl0'), '10.92.0.0/16')
})

test('the bridge holds a subnet that is not a default candidate, or one another interface also holds: the usual choice', () => {
  assert.is(pickDefaultSubnet(empty, [on('podctl0', '172.16.5.1/24')], 'podctl0'), '10.88.0.0/16')
  assert.is(pickDefaultSubnet(empty, [on('podctl0', '10.92.0.1/16'), on('eth1', '10.92.3.0/24')], 'podctl0'), '10.88.0.0/16')
})

test('nothing free: NETWORK_FAILED naming the ranges', () => {
  const all = [88, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99].map(s => on(`d${s}`, `10.${s}.0.1/16`))
  assert.throws(() => pickDefaultSubnet(empty, all, 'podctl0'), /could not find a free subnet for the default network in 10\.88\.0\.0\/16 or 10\.90-10\.99\.0\.0\/16/)
})

test.run()
