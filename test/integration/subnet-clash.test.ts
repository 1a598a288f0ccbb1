import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { cidrsOverlap, requireCidr } from '../../src/network/cidr.js'
import { readHostSubnets } from '../../src/network/host-routes.js'
import { runInProcess } from '../helpers/cli.js'
import { ip, withCniSandbox } from '../helpers/cni.js'
import type { CniSandbox } from '../helpers/cni.js'

// Subnets podctl picks (the default network's too) overlap no host route or interface
// address and no other conflist of the config dir; a requested one that does is refused.
const test = suite('subnet clash avoidance')

const cli = (s: CniSandbox, args: string[]) => runInProcess([
  '--root', s.env['PODCTL_ROOT']!, '--runroot', s.paths.runroot, '--cni-config-dir', s.paths.cniConfigDir, '--cni-cache-dir', s.paths.cniCacheDir, ...args,
])

const subnetOf = async (s: CniSandbox, name: string): Promise<string> => {
  const r = await cli(s, ['network', 'inspect', name])
  assert.is(r.code, 0, r.stderr)
  return (JSON.parse(r.stdout) as { subnets: { subnet: string }[] }[])[0]!.subnets[0]!.subnet
}

// The kernel here has no dummy driver: an empty bridge holds the address instead, added
// with noprefixroute (and the link down) so no route other tests on this host use changes.
test('an interface holding 10.88.0.0/16: the default network takes another /16; --subnet 10.88.0.0/16 is refused, exit 125, nothing written', async () => {
  await withCniSandbox(async s => {
    const link = s.link('pclash')
    ip(['link', 'add', link, 'type', 'bridge'])
    ip(['addr', 'add', '10.88.255.254/16', 'dev', link, 'noprefixroute'])
    const subnet = await subnetOf(s, 'podctl')
    assert.is.not(subnet, '10.88.0.0/16')
    const host = (await readHostSubnets()).filter(h => h.dev !== 'podctl0')
    assert.equal(host.filter(h => cidrsOverlap(h.cidr, requireCidr(subnet))).map(h => h.dev), [])
    const before = fs.readdirSync(s.paths.cniConfigDir).sort()
    const r = await cli(s, ['network', 'create', '--subnet', '10.88.0.0/16', 'clash'])
    // Another bridge holding 10.88.0.0/16 (podctl0 of another root, Podman's cni-podman0 or
    // podman0) may be found first: any interface that really holds it is a right answer.
    assert.equal([r.code, r.stdout], [125, ''])
    const holders = new Set([link, ...(await readHostSubnets()).filter(h => cidrsOverlap(h.cidr, requireCidr('10.88.0.0/16'))).map(h => h.dev)])
    const named = /^Error: subnet 10\.88\.0\.0\/16 is already used on the host or by another config: it overlaps 10\.88\.0\.0\/16 on host interface (\S+)\n$/.exec(r.stderr)
    assert.ok(named !== null && holders.has(named[1]!), r.stderr)
    assert.equal(fs.readdirSync(s.paths.cniConfigDir).sort(), before)
    const auto = await cli(s, ['network', 'create', 'auto'])
    assert.is(auto.code, 0, auto.stderr)
    assert.not.ok(cidrsOverlap(requireCidr(await subnetOf(s, 'auto')), requireCidr(subnet)))
  })
})

test('another tool\'s conflist holding 10.88.0.0/16: the default network does not take it', async () => {
  await withCniSandbox(async s => {
    fs.mkdirSync(s.paths.cniConfigDir, { recursive: true })
    fs.writeFileSync(path.join(s.paths.cniConfigDir, '87-podman.conflist'), JSON.stringify({
      cniVersion: '0.4.0', name: 'podman', plugins: [{ type: 'bridge', bridge: 'cni-podman0', isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }]] } }],
    }))
    const subnet = await subnetOf(s, 'podctl')
    assert.not.ok(cidrsOverlap(requireCidr(subnet), requireCidr('10.88.0.0/16')), subnet)
    const r = await cli(s, ['network', 'create', '--subnet', '10.88.4.0/24', 'x'])
    assert.is(r.code, 125)
    assert.match(r.stderr, `it overlaps 10.88.0.0/16 of network podman (${path.join(s.paths.cniConfigDir, '87-podman.conflist')})`)
  })
})

test.run()
