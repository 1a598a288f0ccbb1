import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { insertContainer } from '../../src/state/container-rows.js'
import { insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { podStatus, toPodInspectView } from '../../src/views/pod-view.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('pod-view')

test('pod status and inspect', () => {
  using store = StateStore.openMemory()
  const pod = podFixture({ name: 'p', shared: ['ipc', 'net'] })
  const a = containerFixture({ podId: pod.id, state: 'running' })
  const b = containerFixture({ podId: pod.id, state: 'exited' })
  store.write(() => { insertPod(store, pod); insertContainer(store, a); insertContainer(store, b) })
  assert.is(podStatus([]), 'Created')
  assert.is(podStatus([a]), 'Running')
  assert.is(podStatus([a, b]), 'Degraded')
  assert.is(podStatus([b]), 'Exited')
  assert.is(podStatus([b, containerFixture()]), 'Stopped')
  const v = toPodInspectView(store, pod)
  assert.equal([v['Name'], v['State'], v['NumContainers'], v['SharedNamespaces'], v['CreateInfra']], ['p', 'Degraded', 2, ['ipc', 'net'], false])
})

test.run()
