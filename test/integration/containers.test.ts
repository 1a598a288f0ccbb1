import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createContainer } from '../../src/containers/create-container.js'
import { isPodctlError } from '../../src/errors.js'
import { killContainer } from '../../src/containers/kill-container.js'
import { refreshContainerStates } from '../../src/containers/refresh-state.js'
import { startContainer } from '../../src/containers/start-container.js'
import { deleteRuntimeContainer, runtimeList } from '../../src/containers/host-runtime.js'
import { stopContainer } from '../../src/containers/stop-container.js'
import { teardownContainerStorage } from '../../src/containers/teardown.js'
import { isProcessAlive, readProcStatus } from '../../src/runtime/proc-status.js'
import { parseSignal } from '../../src/runtime/signals.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { paths } from '../../src/storage/paths.js'
import { getContainer, listDependenciesOf } from '../../src/state/container-rows.js'
import type { ContainerRecord } from '../../src/state/types.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('containers (real runc)')

const TRAP_EXIT = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done']

async function runDetached (h: TestHost, o: Partial<Parameters<typeof createContainer>[1]> = {}): Promise<ContainerRecord> {
  const c = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], ...o })
  return await startContainer(h, c)
}

// The shell has installed its SIGTERM handler (bit 15 of SigCgt).
const trapInstalled = (pid: number): boolean => ((readProcStatus(pid)?.sigCgt ?? 0n) & (1n << 14n)) !== 0n
const nsOf = (pid: number, ns: string): string => fs.readlinkSync(`/proc/${pid}/ns/${ns}`)

test('create mounts the overlay rootfs; start runs the process in it, detached, stdio in ctr.log', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const created = await createContainer(h, { image: 'busybox', command: ['sh', '-c', 'echo started; exec sleep 1000'], name: 'web', labels: { app: 'x' } })
  assert.is(created.state, 'created')
  const merged = paths.containerRootfs(h.config, created.id)
  assert.ok(listMountPoints().has(merged), 'overlay mounted at create')
  assert.ok(fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.includes(` ${merged} `) && l.includes(' - overlay ')))
  const c = await startContainer(h, created)
  assert.is(c.state, 'running')
  assert.ok(c.pid !== null && isProcessAlive(c.pid))
  assert.is(fs.readFileSync(`/proc/${c.pid}/cmdline`, 'utf8'), 'sleep\u00001000\u0000')
  assert.ok(fs.existsSync(`/proc/${c.pid}/root/bin/busybox`))
  assert.not.equal(nsOf(c.pid, 'pid'), nsOf(process.pid, 'pid'))
  assert.not.equal(nsOf(c.pid, 'net'), nsOf(process.pid, 'net'))
  assert.match(fs.readFileSync(`/proc/${c.pid}/cgroup`, 'utf8'), `podctl-${c.id}`)
  await waitFor(() => fs.readFileSync(paths.containerLog(h.config, c.id), 'utf8').includes('started'), 'output in ctr.log')
  const row = getContainer(h.store, c.id)!
  assert.equal([row.state, row.pid, row.labels], ['running', c.pid, { app: 'x' }])
  assert.is((await runtimeList(h)).get(c.id)?.status, 'running')
}))

test('stop, fast path: sleep as PID 1 ignores SIGTERM, so SIGKILL at once; exit 137 recorded', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, { stopTimeout: 30 })
  const logged = h.logLines.length
  const outcome = await stopContainer(h, c)
  assert.equal(outcome, { alreadyStopped: false, killed: true, fastKill: true })
  assert.equal(h.logLines.slice(logged).filter(l => l.startsWith('debug: runc')), [], 'the row names the process: no runtime exec')
  assert.not.ok(isProcessAlive(c.pid!))
  const row = getContainer(h.store, c.id)!
  assert.equal([row.state, row.exitCode, row.pid], ['exited', 137, null])
  assert.ok(row.finishedAt !== null)
  assert.ok(h.logLines.some(l => l.startsWith('debug: ') && l.includes('sending SIGKILL at once')))
}))

test('stop, grace path: a TERM handler gets the signal and exits cleanly (exit 0, not killed)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, { command: TRAP_EXIT, stopTimeout: 30 })
  await waitFor(() => trapInstalled(c.pid!), 'trap installed')
  const outcome = await stopContainer(h, c)
  assert.equal(outcome, { alreadyStopped: false, killed: false, fastKill: false })
  assert.not.ok(isProcessAlive(c.pid!))
  assert.equal([getContainer(h.store, c.id)!.state, getContainer(h.store, c.id)!.exitCode], ['exited', 0])
}))

test('stop, escalation: a handler that does not exit gets SIGKILL after the timeout (137), with a warning', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, { command: ['sh', '-c', 'trap "echo no" TERM; while :; do sleep 0.1; done'] })
  await waitFor(() => trapInstalled(c.pid!), 'trap installed')
  const outcome = await stopContainer(h, c, { timeoutSec: 1 })
  assert.equal(outcome, { alreadyStopped: false, killed: true, fastKill: false })
  assert.is(getContainer(h.store, c.id)!.exitCode, 137)
  assert.ok(h.logLines.includes(`warn: StopSignal SIGTERM failed to stop container ${c.name} in 1 seconds, resorting to SIGKILL`))
}))

test('stop -t 0 kills at once; stopping again, or a never-started container, is a no-op', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, { command: TRAP_EXIT })
  assert.equal(await stopContainer(h, c, { timeoutSec: 0 }), { alreadyStopped: false, killed: true, fastKill: false })
  assert.equal(await stopContainer(h, c), { alreadyStopped: true, killed: false, fastKill: false })
  const idle = await createContainer(h, { image: 'busybox', command: ['true'] })
  assert.equal(await stopContainer(h, idle), { alreadyStopped: true, killed: false, fastKill: false })
  assert.is(getContainer(h.store, idle.id)!.state, 'created')
}))

test('a process that exits by itself is noticed with one runtime list; kill records 128+signal', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const quick = await runDetached(h, { command: ['true'] })
  const victim = await runDetached(h)
  await waitFor(() => !isProcessAlive(quick.pid!), 'true to exit')
  await killContainer(h, victim, parseSignal('KILL'))
  await waitFor(() => !isProcessAlive(victim.pid!), 'kill to act')
  assert.is(await refreshContainerStates(h), 2)
  assert.equal([getContainer(h.store, quick.id)!.state, getContainer(h.store, victim.id)!.state, getContainer(h.store, victim.id)!.exitCode], ['exited', 'exited', 137])
  const again = await startContainer(h, getContainer(h.store, victim.id)!)
  assert.is(again.state, 'running')
  assert.ok(isProcessAlive(again.pid!))
}))

test('--network/--ipc/--uts/--pid container:X join X and record one dependency row per kind', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const a = await runDetached(h, { name: 'a' })
  const b = await runDetached(h, { network: 'container:a', ipc: 'container:a', uts: `container:${a.id.slice(0, 12)}`, pid: 'container:a', requires: ['a'] })
  for (const ns of ['net', 'ipc', 'uts', 'pid']) assert.is(nsOf(b.pid!, ns), nsOf(a.pid!, ns), ns)
  assert.equal(listDependenciesOf(h.store, b.id).map(d => `${d.kind}:${d.dependsOn === a.id}`).sort(), ['ipc:true', 'network:true', 'pid:true', 'requires:true', 'uts:true'])
  const host = await runDetached(h, { network: 'host' })
  assert.is(nsOf(host.pid!, 'net'), nsOf(process.pid, 'net'))
}))

test('a start the runtime refuses: its stderr in the error, no runtime state left, row still created', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await createContainer(h, { image: 'busybox', command: ['/no/such/binary'] })
  let err: unknown
  try { await startContainer(h, c) } catch (e) { err = e }
  assert.ok(isPodctlError(err) && err.code === 'RUNTIME_FAILED', String(err))
  assert.match((err as Error).message, /^runc create [0-9a-f]{64}: .*\/no\/such\/binary/s)
  assert.is((await runtimeList(h)).size, 0)
  assert.is(getContainer(h.store, c.id)!.state, 'created')
}))

test('starting a container starts what it depends on first', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const a = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], name: 'dep' })
  const b = await createContainer(h, { image: 'busybox', command: ['sleep', '1000'], network: 'container:dep' })
  const started = await startContainer(h, b)
  const dep = getContainer(h.store, a.id)!
  assert.is(dep.state, 'running')
  assert.is(nsOf(started.pid!, 'net'), nsOf(dep.pid!, 'net'))
}))

test('volumes: named, anonymous and bind mounts are visible inside', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const hostDir = path.join(h.dir, 'bind')
  fs.mkdirSync(hostDir)
  fs.writeFileSync(path.join(hostDir, 'in'), 'from-host')
  const c = await runDetached(h, { command: ['sh', '-c', 'echo n > /named/f; echo a > /anon/f; cat /b/in > /named/copy; exec sleep 1000'], volumes: ['v1:/named', '/anon', `${hostDir}:/b:ro`] })
  const data = paths.volumeData(h.config, 'v1')
  await waitFor(() => fs.existsSync(path.join(data, 'copy')) && fs.readFileSync(path.join(data, 'copy'), 'utf8') === 'from-host', 'volume writes')
  assert.is(fs.readFileSync(path.join(data, 'f'), 'utf8'), 'n\n')
  const anon = h.store.db.prepare("SELECT volume_name AS v FROM container_volumes WHERE destination = '/anon'").get() as { v: string }
  assert.is(fs.readFileSync(path.join(paths.volumeData(h.config, anon.v), 'f'), 'utf8'), 'a\n')
  assert.is(c.state, 'running')
}))

test('teardown leaves no process, mount, dir or runtime state, and is idempotent in any state', () => withTestHost(async h => {
  await importBusyboxImage(h)
  // Private netns (no CNI): network teardown is the engine's step, not these functions'.
  const running = await runDetached(h, { volumes: ['keep:/k'], network: 'none' })
  const stopped = await runDetached(h, { network: 'none' })
  await stopContainer(h, stopped)
  const created = await createContainer(h, { image: 'busybox', command: ['true'], network: 'none' })
  for (const c of [running, stopped, created]) {
    for (let i = 0; i < 2; i++) {
      await deleteRuntimeContainer(h, c.id)
      await teardownContainerStorage(h, c)
    }
    assert.not.ok(fs.existsSync(paths.containerStorage(h.config, c.id)))
    assert.not.ok(fs.existsSync(paths.bundle(h.config, c.id)))
  }
  assert.not.ok(isProcessAlive(running.pid!))
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir)), [])
  assert.is((await runtimeList(h)).size, 0)
  assert.ok(fs.existsSync(paths.volumeData(h.config, 'keep')), 'volumes are left alone')
  assert.ok(!fs.existsSync(`/sys/fs/cgroup/pids/podctl-${running.id}`), 'cgroup removed')
}))

test.run()
