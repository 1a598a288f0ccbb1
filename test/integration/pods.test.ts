import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createContainer } from '../../src/containers/create-container.js'
import { deleteRuntimeContainer, runtimeList } from '../../src/containers/host-runtime.js'
import { teardownContainerStorage } from '../../src/containers/teardown.js'
import { createContainerWithPod } from '../../src/pods/create-in-pod.js'
import { createPod } from '../../src/pods/create-pod.js'
import { startPod, stopPod } from '../../src/pods/pod-lifecycle.js'
import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { paths } from '../../src/storage/paths.js'
import { getContainer, listContainers, listDependenciesOf, listPodContainers } from '../../src/state/container-rows.js'
import { getPod, listPods, lookupPod } from '../../src/state/pod-rows.js'
import { podStatus, toPodInspectView } from '../../src/views/pod-view.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { runInProcess } from '../helpers/cli.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('pods (real runc)')

const nsOf = (pid: number, ns: string): string => fs.readlinkSync(`/proc/${pid}/ns/${ns}`)

test('pod create makes an infra container on the catatonit rootfs; members depend on it', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const idFile = `${h.dir}/pod.id`
  const pod = await createPod(h, { name: 'web', labels: { tier: 'front' }, podIdFile: idFile })
  assert.is(fs.readFileSync(idFile, 'utf8'), pod.id)
  const infra = getContainer(h.store, pod.infraId!)!
  assert.equal([infra.isInfra, infra.podId, infra.command, infra.name], [true, pod.id, ['/catatonit', '-P'], `${pod.id.slice(0, 12)}-infra`])
  assert.ok(fs.existsSync(`${paths.infraRootfs(h.config)}/catatonit`))
  assert.equal(getPod(h.store, pod.id)!.shared, ['ipc', 'net', 'uts'])
  const m = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: 'web' })
  assert.equal(listDependenciesOf(h.store, m.id).map(d => [d.dependsOn, d.kind]), [[infra.id, 'infra']])
  assert.equal(m.namespaces, { network: `container:${infra.id}`, ipc: `container:${infra.id}`, pid: 'private', uts: `container:${infra.id}` })
}))

test('pod start runs catatonit first; members share net/ipc/uts (not pid by default)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pod = await createPod(h, { name: 'p' })
  const m = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: pod.id })
  assert.equal((await startPod(h, pod)).errors, [])
  const infra = getContainer(h.store, pod.infraId!)!
  const member = getContainer(h.store, m.id)!
  assert.is(fs.readFileSync(`/proc/${infra.pid}/cmdline`, 'utf8'), '/catatonit\u0000-P\u0000')
  for (const ns of ['net', 'ipc', 'uts']) assert.is(nsOf(member.pid!, ns), nsOf(infra.pid!, ns), ns)
  assert.not.equal(nsOf(member.pid!, 'pid'), nsOf(infra.pid!, 'pid'))
  assert.is(podStatus(listPodContainers(h.store, pod.id)), 'Running')
}))

test('--share pid,net: members join the infra PID namespace too', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pod = await createPod(h, { name: 'pp', share: 'pid,net' })
  const m = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: 'pp' })
  await startPod(h, pod)
  const infra = getContainer(h.store, pod.infraId!)!
  const member = getContainer(h.store, m.id)!
  assert.is(nsOf(member.pid!, 'pid'), nsOf(infra.pid!, 'pid'))
  assert.is(nsOf(member.pid!, 'net'), nsOf(infra.pid!, 'net'))
  assert.not.equal(nsOf(member.pid!, 'ipc'), nsOf(infra.pid!, 'ipc'))
}))

test('pod stop: members first (sleep: fast kill), then infra (catatonit handles SIGTERM: clean exit)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pod = await createPod(h, { name: 's' })
  const m = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: pod.id })
  await startPod(h, pod)
  const pids = listPodContainers(h.store, pod.id).map(c => c.pid!)
  const r = await stopPod(h, pod)
  assert.equal(r.errors, [])
  assert.equal(r.outcomes.get(m.id), { alreadyStopped: false, killed: true, fastKill: true })
  assert.equal(r.outcomes.get(pod.infraId!), { alreadyStopped: false, killed: false, fastKill: false })
  assert.equal(listPodContainers(h.store, pod.id).map(c => [c.state, c.exitCode]).sort(), [['exited', 0], ['exited', 137]])
  for (const pid of pids) assert.not.ok(isProcessAlive(pid))
  assert.is(toPodInspectView(h.store, getPod(h.store, pod.id)!)['State'], 'Exited')
}))

test('--infra=false: no infra, no shared namespaces; sharing without infra is refused', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pod = await createPod(h, { name: 'bare', infra: false })
  assert.equal([pod.infraId, pod.shared], [null, []])
  const m = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: 'bare', network: 'host' })
  assert.equal(listDependenciesOf(h.store, m.id), [])
  let err: unknown
  try { await createPod(h, { name: 'bad', infra: false, share: 'net' }) } catch (e) { err = e }
  assert.is((err as Error).message, 'you cannot share kernel namespaces on the pod level without an infra container')
  try { await createPod(h, { name: 'bad', share: 'net,bogus' }) } catch (e) { err = e }
  assert.is((err as Error).message, 'invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none')
  assert.equal(listPods(h.store).map(p => p.name), ['bare'])
}))

test('--pod new:NAME creates the pod; a failed create removes it again', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await createContainerWithPod(h, { image: 'busybox', command: ['true'], pod: 'new:fresh' })
  assert.is(lookupPod(h.store, 'fresh')?.id, c.podId)
  let err: unknown
  try { await createContainerWithPod(h, { image: 'nope', command: ['true'], pod: 'new:doomed' }) } catch (e) { err = e }
  assert.is((err as Error).message, 'nope: image not known')
  assert.is(lookupPod(h.store, 'doomed'), undefined)
  assert.equal(listContainers(h.store).length, 2)
}))

test('teardown of a running pod leaves no process, mount, dir or runtime state', () => withTestHost(async h => {
  await importBusyboxImage(h)
  // --network none: CNI teardown is the engine's step, covered by the removal tests.
  const pod = await createPod(h, { name: 't', network: 'none' })
  await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: pod.id })
  await startPod(h, pod)
  const all = listPodContainers(h.store, pod.id)
  for (const c of all) {
    await deleteRuntimeContainer(h, c.id)
    await teardownContainerStorage(h, c)
  }
  for (const c of all) assert.not.ok(isProcessAlive(c.pid!))
  assert.is((await runtimeList(h)).size, 0)
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir)), [])
  assert.equal(fs.readdirSync(`${h.config.root}/storage/containers`), [])
}))

test('CLI: pod create/start/ps/inspect/stop and run --pod, with Podman field names', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const g = hostArgs(h)
  const created = await runInProcess([...g, 'pod', 'create', '--name', 'cli', '--label', 'a=b'])
  assert.is(created.code, 0, created.stderr)
  const podId = created.stdout.trim()
  const run = await runInProcess([...g, 'run', '-d', '--pod', 'cli', '--name', 'member', 'busybox', 'sh', '-c', 'exec sleep 1000'])
  assert.is(run.code, 0, run.stderr)
  const inspect = JSON.parse((await runInProcess([...g, 'pod', 'inspect', 'cli'])).stdout) as Record<string, unknown>[]
  assert.equal([inspect[0]!['Id'], inspect[0]!['State'], inspect[0]!['NumContainers'], inspect[0]!['Labels']], [podId, 'Running', 2, { a: 'b' }])
  const ps = JSON.parse((await runInProcess([...g, 'pod', 'ps', '--format', 'json'])).stdout) as Record<string, unknown>[]
  assert.equal([ps[0]!['Name'], ps[0]!['Status'], ps[0]!['InfraId']], ['cli', 'Running', inspect[0]!['InfraContainerID']])
  const ci = JSON.parse((await runInProcess([...g, 'inspect', 'member'])).stdout) as Record<string, Record<string, unknown>>[]
  assert.equal([ci[0]!['Pod'], ci[0]!['IsInfra'], ci[0]!['Dependencies']], [podId, false, [inspect[0]!['InfraContainerID']]])
  const stop = await runInProcess([...g, 'pod', 'stop', 'cli'])
  assert.equal([stop.code, stop.stdout], [0, `${podId}\n`])
  const missing = await runInProcess([...g, 'pod', 'start', 'nope'])
  assert.equal([missing.code, missing.stderr], [125, 'Error: no pod with name or ID nope found: no such pod\n'])
}))

test('dependencies across a pod boundary are refused with Podman\'s words, exit 125, nothing created; pod rm -fa then works', () => withTestHost(async h => {
  await importBusyboxImage(h)
  await createPod(h, { name: 'p1' })
  await createPod(h, { name: 'p2' })
  const m1 = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], pod: 'p1', name: 'm1' })
  const before = listContainers(h.store).map(c => c.id).sort()
  const outside = await runInProcess([...hostArgs(h), 'create', '--network', 'none', '--requires', 'm1', '--name', 'out', 'busybox', 'true'])
  assert.is(outside.code, 125)
  assert.match(outside.stderr, new RegExp(`^Error: container [0-9a-f]{64} depends on container ${m1.id} which is in a pod - containers not in pods cannot depend on containers in pods: invalid argument\n$`))
  const joined = await runInProcess([...hostArgs(h), 'create', '--network', 'container:m1', '--name', 'out2', 'busybox', 'true'])
  assert.is(joined.code, 125)
  assert.match(joined.stderr, 'which is in a pod - containers not in pods cannot depend on containers in pods')
  const p2 = lookupPod(h.store, 'p2')!
  const other = await runInProcess([...hostArgs(h), 'create', '--pod', 'p2', '--requires', 'm1', '--name', 'm2', 'busybox', 'true'])
  assert.equal([other.code, other.stderr], [125, `Error: running container create option: container has joined pod ${p2.id} and dependency container ${m1.id} is not a member of the pod: invalid argument\n`])
  assert.equal(listContainers(h.store).map(c => c.id).sort(), before)
  // Within one pod it is allowed, and the whole lot goes with pod rm -fa.
  const same = await runInProcess([...hostArgs(h), 'create', '--pod', 'p1', '--requires', 'm1', '--name', 'm3', 'busybox', 'true'])
  assert.is(same.code, 0, same.stderr)
  const rm = await runInProcess([...hostArgs(h), 'pod', 'rm', '-fa', '-t', '0'])
  assert.equal([rm.code, rm.stderr], [0, ''])
  assert.equal(listContainers(h.store), [])
}))

test.run()
