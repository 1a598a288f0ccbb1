import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { insertContainer } from '../../src/state/container-rows.js'
import { insertContainerNetworks, saveAttachmentResult } from '../../src/state/network-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { toInspectView } from '../../src/views/container-inspect.js'
import { basicConfigOf } from '../../src/views/network-settings.js'
import { containerFixture } from '../helpers/fixtures.js'

const test = suite('inspect NetworkSettings.Networks')

// A CNI 1.0.0 result as the bridge plugin prints it (host-side bridge and veth, then the
// container's eth0 with its sandbox), dual-stack.
const result = (ip: string, mac: string, ifname = 'eth0'): Record<string, unknown> => ({
  cniVersion: '1.0.0',
  interfaces: [{ name: 'podctl0', mac: '6a:00:00:00:00:01' }, { name: 'veth1234', mac: '6a:00:00:00:00:02' }, { name: ifname, mac, sandbox: '/run/podctl/netns/x' }],
  ips: [{ interface: 2, address: `${ip}/16`, gateway: '10.88.0.1' }, { interface: 2, address: 'fd00:88::5/64', gateway: 'fd00:88::1' }],
  routes: [{ dst: '0.0.0.0/0' }],
})

test('basicConfigOf: the container-side interface\'s MAC, first IPv4 and IPv6 with prefix and gateway', () => {
  assert.equal(basicConfigOf(result('10.88.0.5', 'aa:bb:cc:dd:ee:ff'), 'eth0'), {
    EndpointID: '', Gateway: '10.88.0.1', IPAddress: '10.88.0.5', IPPrefixLen: 16, IPv6Gateway: 'fd00:88::1',
    GlobalIPv6Address: 'fd00:88::5', GlobalIPv6PrefixLen: 64, MacAddress: 'aa:bb:cc:dd:ee:ff',
  })
  assert.equal(basicConfigOf(null, 'eth0').IPAddress, '')
})

test('inspect: one entry per network with Podman\'s fields; top-level address only when the default network is the only one; none while stopped', () => {
  using store = StateStore.openMemory()
  const solo = containerFixture({ name: 'solo', state: 'running', pid: 5 })
  const multi = containerFixture({ name: 'multi', state: 'running', pid: 6 })
  const member = containerFixture({ name: 'member', state: 'running', pid: 7, namespaces: { network: `container:${multi.id}` } })
  const stopped = containerFixture({ name: 'stopped', state: 'exited' })
  store.write(() => {
    for (const c of [solo, multi, member, stopped]) insertContainer(store, c)
    insertContainerNetworks(store, solo.id, ['podctl'])
    insertContainerNetworks(store, multi.id, ['podctl', 'web'])
    insertContainerNetworks(store, stopped.id, ['podctl'])
    saveAttachmentResult(store, solo.id, 'podctl', result('10.88.0.5', 'aa:00:00:00:00:05'))
    saveAttachmentResult(store, multi.id, 'podctl', result('10.88.0.6', 'aa:00:00:00:00:06'))
    saveAttachmentResult(store, multi.id, 'web', { ...result('10.89.0.2', 'aa:00:00:00:00:07', 'eth1'), ips: [{ interface: 2, address: '10.89.0.2/24', gateway: '10.89.0.1' }] })
    saveAttachmentResult(store, stopped.id, 'podctl', result('10.88.0.9', 'aa:00:00:00:00:09'))
  })
  const ns = (c: typeof solo): Record<string, unknown> => (toInspectView(store, c) as { NetworkSettings: Record<string, unknown> }).NetworkSettings
  const s = ns(solo)
  assert.equal([s['IPAddress'], s['Gateway'], s['IPPrefixLen'], s['MacAddress']], ['10.88.0.5', '10.88.0.1', 16, 'aa:00:00:00:00:05'])
  assert.equal((s['Networks'] as Record<string, unknown>)['podctl'], {
    EndpointID: '', Gateway: '10.88.0.1', IPAddress: '10.88.0.5', IPPrefixLen: 16, IPv6Gateway: 'fd00:88::1', GlobalIPv6Address: 'fd00:88::5', GlobalIPv6PrefixLen: 64,
    MacAddress: 'aa:00:00:00:00:05', NetworkID: 'podctl', DriverOpts: null, IPAMConfig: null, Links: null, Aliases: [solo.id.slice(0, 12)],
  })
  const m = ns(multi)
  assert.equal([m['IPAddress'], m['Gateway']], ['', ''])
  const nets = m['Networks'] as Record<string, Record<string, unknown>>
  assert.equal(Object.keys(nets), ['podctl', 'web'])
  assert.equal([nets['web']!['IPAddress'], nets['web']!['IPPrefixLen'], nets['web']!['Gateway'], nets['web']!['MacAddress']], ['10.89.0.2', 24, '10.89.0.1', 'aa:00:00:00:00:07'])
  assert.equal(Object.keys(ns(member)['Networks'] as object), ['podctl', 'web'])
  const st = ns(stopped)
  assert.equal([st['IPAddress'], (st['Networks'] as Record<string, Record<string, unknown>>)['podctl']!['IPAddress']], ['', ''])
  assert.is(ns(containerFixture({ name: 'none' }))['Networks'], undefined)
})

test.run()
