import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { addDependency, insertContainer } from '../../src/state/container-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { sandboxKey, toInspectView } from '../../src/views/container-inspect.js'
import { containerFixture } from '../helpers/fixtures.js'

const test = suite('inspect-view')

test('container inspect: Podman field names, zero times, dependencies, SandboxKey', () => {
  using store = StateStore.openMemory()
  const infra = containerFixture({ name: 'infra', isInfra: true, state: 'running', pid: 4242, startedAt: 1_700_000_000_000 })
  const member = containerFixture({ name: 'm', namespaces: { network: `container:${infra.id}` }, labels: { a: 'b' }, stopSignal: 'SIGINT', stopTimeout: 3 })
  const hostNet = containerFixture({ name: 'h', namespaces: { network: 'host' }, state: 'running', pid: 7 })
  const cni = containerFixture({ name: 'c', netnsPath: '/run/podctl/netns/x' })
  store.write(() => {
    for (const c of [infra, member, hostNet, cni]) insertContainer(store, c)
    addDependency(store, { containerId: member.id, dependsOn: infra.id, kind: 'infra' })
  })
  const v = toInspectView(store, member) as Record<string, Record<string, unknown>>
  assert.equal(Object.keys(v), ['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ImageName', 'Rootfs', 'Pod', 'Name', 'Mounts', 'Dependencies', 'NetworkSettings', 'IsInfra', 'Config', 'HostConfig'])
  assert.equal([v['State']!['Status'], v['State']!['Running'], v['State']!['Pid'], v['State']!['StartedAt']], ['created', false, 0, '0001-01-01T00:00:00Z'])
  assert.equal(v['Dependencies'], [infra.id])
  assert.equal([v['Config']!['Labels'], v['Config']!['StopSignal'], v['Config']!['StopTimeout']], [{ a: 'b' }, 'SIGINT', 3])
  assert.is(sandboxKey(store, member), '/proc/4242/ns/net')
  assert.is(sandboxKey(store, infra), '/proc/4242/ns/net')
  assert.is(sandboxKey(store, hostNet), '')
  assert.is(sandboxKey(store, cni), '/run/podctl/netns/x')
  assert.is((toInspectView(store, infra) as Record<string, Record<string, unknown>>)['State']!['StartedAt'], '2023-11-14T22:13:20.000Z')
})

test.run()
