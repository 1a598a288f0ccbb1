import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { ContainerListEntry } from '../../src/views/container-view.js'
import { podPsTemplateRow, psTemplateRow } from '../../src/views/template-rows.js'

const test = suite('template-rows')

const ID = '0123456789abcdef'.repeat(4)
const INFRA = 'fedcba9876543210'.repeat(4)

const entry = (over: Partial<ContainerListEntry> = {}): ContainerListEntry => ({
  AutoRemove: false, Command: ['sleep', '10'], Created: 1, CreatedAt: '2 minutes ago', ExitCode: 0, Exited: false, ExitedAt: 0,
  Id: ID, Image: 'busybox', ImageID: '', IsInfra: false, Labels: null, Names: ['web', 'alias'], Networks: ['a', 'b'], Pid: 0,
  Pod: '', PodName: '', Ports: null, StartedAt: 0, State: 'created', Status: 'Created', ...over,
})

test('psTemplateRow: the JSON entry plus Podman\'s ps reporter fields', () => {
  assert.equal(psTemplateRow(entry(), true), {
    ...entry(),
    ID: '0123456789ab', Names: 'web,alias', Command: 'sleep 10', CreatedHuman: '2 minutes ago', RunningFor: '2 minutes ago',
    Ports: '', Networks: 'a,b', Labels: {}, Mounts: [],
  })
  const full = psTemplateRow(entry({ Labels: { k: 'v' } }), false)
  assert.equal([full['ID'], full['Id'], full['Labels']], [ID, ID, { k: 'v' }])
})

test('podPsTemplateRow: IDs truncated unless --no-trunc, container lists joined, Created as an age', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')
  const pod = {
    Id: ID, Name: 'p', InfraId: INFRA, Created: '2024-05-01T09:00:00Z',
    Containers: [{ Id: INFRA, Names: 'p-infra', Status: 'running' }, { Id: ID, Names: 'web', Status: 'exited' }],
  }
  assert.equal(podPsTemplateRow(pod, true, now), {
    ...pod, ID: '0123456789ab', InfraID: 'fedcba987654', Created: '3 hours ago', NumberOfContainers: 2,
    ContainerNames: 'p-infra,web', ContainerIds: 'fedcba987654,0123456789ab', ContainerStatuses: 'running,exited',
  })
  const full = podPsTemplateRow(pod, false, now)
  assert.equal([full['ID'], full['InfraID'], full['ContainerIds']], [ID, INFRA, `${INFRA},${ID}`])
  const bare = podPsTemplateRow({ Id: ID, Created: '2024-05-01T11:59:59Z' }, true, now)
  assert.equal([bare['InfraID'], bare['NumberOfContainers'], bare['ContainerNames'], bare['Created']], ['', 0, '', '1 second ago'])
})

test.run()
