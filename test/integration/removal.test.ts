import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { deleteRuntimeContainer, runtimeList } from '../../src/containers/host-runtime.js'
import type { ContainerId } from '../../src/ids.js'
import { FAULT_ENV, resetFaultInjection } from '../../src/removal/fault-injection.js'
import { isProcessAlive, readStartTime } from '../../src/runtime/proc-status.js'
import { claimContainer } from '../../src/state/claims.js'
import { getContainer, listContainers } from '../../src/state/container-rows.js'
import { listPods } from '../../src/state/pod-rows.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('removal engine (real runc)')

const cli = async (h: TestHost, ...args: string[]) => await runInProcess([...hostArgs(h), ...args])

async function runDetached (h: TestHost, ...args: string[]): Promise<{ id: string, pid: number }> {
  const r = await cli(h, 'run', '-d', ...args, 'busybox', 'sleep', '1000')
  assert.is(r.code, 0, r.stderr)
  const id = r.stdout.trim()
  return { id, pid: getContainer(h.store, id)!.pid! }
}

// Nothing of any container may be left: processes, runtime state, mounts, rows, pods, storage dirs.
async function assertNothingLeft (h: TestHost, pids: number[]): Promise<void> {
  for (const pid of pids) assert.not.ok(isProcessAlive(pid), `pid ${pid} still alive`)
  assert.is((await runtimeList(h)).size, 0)
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir + '/')), [])
  assert.equal([listContainers(h.store).length, listPods(h.store).length], [0, 0])
  const dir = `${h.config.root}/storage/containers`
  assert.equal(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [])
}

test('rm -fa with --network container:X, --requires, a pod and an anonymous volume: exit 0, empty stderr, nothing left', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const base = await runDetached(h, '--name', 'base')
  const joiner = await runDetached(h, '--name', 'joiner', '--network', 'container:base')
  const req = await runDetached(h, '--name', 'req', '--requires', 'base', '-v', '/anon')
  assert.is((await cli(h, 'pod', 'create', '--name', 'p')).code, 0)
  const member = await runDetached(h, '--pod', 'p', '--name', 'pm')
  const vols = (): number => (h.store.db.prepare('SELECT count(*) AS n FROM volumes WHERE anonymous = 1').get() as { n: number }).n
  assert.is(vols(), 1)
  const out = await cli(h, 'rm', '-fa', '-v', '-t', '0')
  assert.equal([out.code, out.stderr], [0, ''])
  assert.is(out.stdout.trim().split('\n').length, 5)
  assert.is(vols(), 0)
  await assertNothingLeft(h, [base.pid, joiner.pid, req.pid, member.pid])
}))

test('running without -f: exit 2, still running; a missing name in the batch: exit 1, nothing removed', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await runDetached(h, '--name', 'r')
  assert.is((await cli(h, 'create', '--name', 'idle', 'busybox', 'true')).code, 0)
  const running = await cli(h, 'rm', 'r')
  assert.equal([running.code, running.stderr], [2, `Error: cannot remove container ${r.id} as it is running - running or paused containers cannot be removed without force: container state improper\n`])
  assert.ok(isProcessAlive(r.pid))
  const missing = await cli(h, 'rm', '-t', '0', '-f', 'idle', 'r', 'bogus')
  assert.equal([missing.code, missing.stdout], [0, 'idle\nr\n'])
  await assertNothingLeft(h, [r.pid])
}))

test('a missing name aborts the batch before anything is touched', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await runDetached(h, '--name', 'r')
  const out = await cli(h, 'rm', 'r', 'bogus')
  assert.equal(out, { code: 1, stdout: '', stderr: 'Error: no container with ID or name "bogus" found: no such container\n' })
  assert.ok(isProcessAlive(r.pid))
  assert.is(getContainer(h.store, r.id)?.state, 'running')
}))

test('pod rm -fa on 3 pods x 2 running containers: exit 0, empty stderr, nothing left', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pids: number[] = []
  for (const p of ['a', 'b', 'c']) {
    assert.is((await cli(h, 'pod', 'create', '--name', p)).code, 0)
    for (const m of ['1', '2']) pids.push((await runDetached(h, '--pod', p, '--name', `${p}${m}`)).pid)
  }
  const out = await cli(h, 'pod', 'rm', '-fa', '-t', '0')
  assert.equal([out.code, out.stderr, out.stdout.trim().split('\n').length], [0, '', 3])
  await assertNothingLeft(h, pids)
}))

test('a half-removed container whose owner died is finished by the next rm -fa', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, '--name', 'half')
  const other = await runDetached(h, '--name', 'other')
  // A run that claimed the container and deleted its runtime state, then was SIGKILLed.
  claimContainer(h.store, c.id as ContainerId, { pid: 2 ** 22 + 11, start: '1' })
  await deleteRuntimeContainer(h, c.id as ContainerId)
  assert.is(getContainer(h.store, c.id)?.state, 'removing')
  const out = await cli(h, 'rm', '-fa', '-t', '0')
  assert.equal([out.code, out.stderr], [0, ''])
  assert.equal(out.stdout.trim().split('\n').sort(), [c.id, other.id].sort())
  await assertNothingLeft(h, [c.pid, other.pid])
}))

test('rm -f -t -1: a PID 1 that traps TERM runs its trap to the end, past its own stop timeout; no SIGKILL', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const data = fs.mkdtempSync(path.join(h.dir, 'data-'))
  // The trap takes 3 s; the container's own stop timeout (1 s) would SIGKILL it long before.
  const script = 'trap "sleep 3; echo graceful > /data/out; exit 0" TERM; touch /data/up; while :; do sleep 0.1; done'
  const run = await cli(h, 'run', '-d', '--name', 'trapper', '--stop-timeout', '1', '-v', `${data}:/data`, 'busybox', 'sh', '-c', script)
  assert.is(run.code, 0, run.stderr)
  const c = getContainer(h.store, run.stdout.trim())!
  const start = readStartTime(c.pid!)
  for (let i = 0; i < 500 && !fs.existsSync(path.join(data, 'up')); i++) await sleep(10)
  assert.ok(fs.existsSync(path.join(data, 'up')), 'the trap is set')
  // Stop for real, then fail the next step, so the row with the recorded exit stays to be read.
  process.env[FAULT_ENV] = 'step=network-detached,container=trapper,action=fail'
  resetFaultInjection()
  try {
    let settled = false
    const rm = cli(h, 'rm', '-f', '-t', '-1', 'trapper').finally(() => { settled = true })
    await sleep(1800)
    assert.equal([isProcessAlive(c.pid!, start), fs.existsSync(path.join(data, 'out')), settled], [true, false, false], 'still in its trap at 1.8 s')
    const out = await rm
    assert.equal([out.code, out.stdout], [125, ''])
    assert.match(out.stderr, /injected fault \(PODCTL_FAULT\) at step network-detached/)
  } finally {
    delete process.env[FAULT_ENV]
    resetFaultInjection()
  }
  assert.is(fs.readFileSync(path.join(data, 'out'), 'utf8'), 'graceful\n')
  // The trap's own status (0), not 137 (SIGKILL) or 143 (TERM unhandled).
  const row = getContainer(h.store, c.id)!
  assert.equal([row.state, row.exitCode, row.pid], ['removing', 0, null])
  assert.equal(await cli(h, 'rm', '-f', '-t', '-1', 'trapper'), { code: 0, stdout: 'trapper\n', stderr: '' })
  await assertNothingLeft(h, [c.pid!])
}))

// The real CLI in its own process (under tsx, so no build is needed).
function spawnPodctl (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const root = path.resolve(import.meta.dirname, '../..')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cmd/podctl.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''; let stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise(resolve => child.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }) }))
}

test('two rm -f of the same running container at once: both exit 0, exactly one prints it, it is gone', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, '--name', 'twice')
  const [a, b] = await Promise.all([spawnPodctl([...hostArgs(h), 'rm', '-f', 'twice']), spawnPodctl([...hostArgs(h), 'rm', '-f', 'twice'])])
  assert.equal([a.code, a.stderr, b.code, b.stderr], [0, '', 0, ''])
  // Exactly one removed it and prints it; the other found it gone: nothing printed.
  assert.equal([a.stdout, b.stdout].sort(), ['', 'twice\n'])
  await assertNothingLeft(h, [c.pid])
}))

test.run()
