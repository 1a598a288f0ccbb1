import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { insertContainer } from '../../src/state/container-rows.js'
import {
  insertContainerNetworks, listContainerNetworkRows, listContainerNetworks, listNetworkUsers, saveAttachmentResult,
} from '../../src/state/network-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture } from '../helpers/fixtures.js'

const test = suite('network-rows')

function rawRows (s: StateStore, id: string): unknown[] {
  return s.db.prepare('SELECT network, ifname, static_ip, result FROM container_networks WHERE container_id = ? ORDER BY ifname').all(id)
}

test('insertContainerNetworks: one row per network, in order, on eth0, eth1, …', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => {
    insertContainer(s, a); insertContainer(s, b)
    insertContainerNetworks(s, a.id, ['podman', 'backend', 'front'])
    insertContainerNetworks(s, b.id, [])
  })
  assert.equal(rawRows(s, a.id), [
    { network: 'podman', ifname: 'eth0', static_ip: null, result: null },
    { network: 'backend', ifname: 'eth1', static_ip: null, result: null },
    { network: 'front', ifname: 'eth2', static_ip: null, result: null },
  ])
  assert.equal(rawRows(s, b.id), [])
  assert.equal(listNetworkUsers(s, 'backend'), [a.id])
})

test('listContainerNetworkRows: that container\'s rows by ifname, with the static IP; other containers left out', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => {
    insertContainer(s, a); insertContainer(s, b)
    insertContainerNetworks(s, a.id, ['zeta', 'alpha'])
    insertContainerNetworks(s, b.id, ['podman'])
  })
  s.db.prepare("UPDATE container_networks SET static_ip = '10.88.0.9' WHERE container_id = ? AND network = 'alpha'").run(a.id)
  assert.equal(listContainerNetworkRows(s, a.id), [
    { network: 'zeta', ifname: 'eth0', staticIp: null },
    { network: 'alpha', ifname: 'eth1', staticIp: '10.88.0.9' },
  ])
  assert.equal(listContainerNetworkRows(s, containerFixture().id), [])
})

test('saveAttachmentResult: stores the result as JSON on that one row; a missing row is reported', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture()
  s.write(() => {
    insertContainer(s, a); insertContainer(s, b)
    insertContainerNetworks(s, a.id, ['podman', 'backend'])
    insertContainerNetworks(s, b.id, ['podman'])
  })
  const result = { cniVersion: '1.0.0', ips: [{ address: '10.88.0.2/16' }] }
  assert.is(s.write(() => saveAttachmentResult(s, a.id, 'podman', result)), true)
  assert.is(s.write(() => saveAttachmentResult(s, a.id, 'nosuch', result)), false)
  assert.is(s.write(() => saveAttachmentResult(s, containerFixture().id, 'podman', result)), false)
  assert.equal(rawRows(s, a.id), [
    { network: 'podman', ifname: 'eth0', static_ip: null, result: JSON.stringify(result) },
    { network: 'backend', ifname: 'eth1', static_ip: null, result: null },
  ])
  assert.equal(rawRows(s, b.id), [{ network: 'podman', ifname: 'eth0', static_ip: null, result: null }])
})

test('listContainerNetworks: container ID → its network names, sorted; containers without networks absent', () => {
  using s = StateStore.openMemory()
  const a = containerFixture(); const b = containerFixture(); const none = containerFixture()
  s.write(() => {
    for (const c of [a, b, none]) insertContainer(s, c)
    insertContainerNetworks(s, a.id, ['zeta', 'alpha'])
    insertContainerNetworks(s, b.id, ['podman'])
  })
  assert.equal(listContainerNetworks(s), new Map([[a.id, ['alpha', 'zeta']], [b.id, ['podman']]]))
})

test.run()
