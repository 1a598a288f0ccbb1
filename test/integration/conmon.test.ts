import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { listMonitorProcesses } from '../../src/check/monitor-checks.js'
import { findConmon } from '../../src/runtime/conmon-args.js'
import { catchesSignal, isProcessAlive, readProcStatus } from '../../src/runtime/proc-status.js'
import { paths } from '../../src/storage/paths.js'
import { listContainers, lookupContainer } from '../../src/state/container-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('conmon monitors detached containers (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])

interface Monitor { pid: number, start: string }

function monitorOf (h: TestHost, name: string): Monitor {
  const m = lookupContainer(h.store, name)?.config['monitor'] as Monitor | undefined
  assert.ok(m !== undefined, `${name} has a monitor recorded`)
  return m
}

// What the kernel says the process runs, never its name.
const exeOf = (pid: number): string => fs.readlinkSync(`/proc/${pid}/exe`)
const ppidOf = (pid: number): number => Number(/^PPid:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1])

test('run -d sh -c "exit 42": ps -a and inspect show exit code 42 once it exits', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const run = await cli(h, 'run', '-d', '--name', 'answer', 'busybox', 'sh', '-c', 'sleep 0.3; exit 42')
  assert.is(run.code, 0, run.stderr)
  const id = run.stdout.trim()
  const m = monitorOf(h, 'answer')
  await waitFor(() => !isProcessAlive(m.pid, m.start), 'its conmon to exit with the container', 30_000)
  const ps = await cli(h, 'ps', '-a', '--format', 'json')
  assert.is(ps.code, 0, ps.stderr)
  const entry = (JSON.parse(ps.stdout) as { Id: string, State: string, ExitCode: number, Exited: boolean, Status: string }[]).find(e => e.Id === id)!
  assert.equal([entry.State, entry.ExitCode, entry.Exited], ['exited', 42, true])
  assert.match(entry.Status, /^Exited \(42\) /)
  const inspect = await cli(h, 'inspect', 'answer')
  const state = (JSON.parse(inspect.stdout) as { State: { Status: string, ExitCode: number, Running: boolean } }[])[0]!.State
  assert.equal([state.Status, state.ExitCode, state.Running], ['exited', 42, false])
  assert.equal(await cli(h, 'ps', '-a', '--format', '{{.Names}} {{.Status}}', '--filter', 'name=answer').then(r => r.stdout.replace(/\) .*/, ')')), 'answer Exited (42)\n')
}))

test('a detached container\'s log is not capped: 40,000 lines (1.3 MB) all come back from logs', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const script = 'i=0; while [ $i -lt 40000 ]; do echo "line $i 0123456789012345678901"; i=$((i+1)); done'
  const run = await cli(h, 'run', '-d', '--network', 'none', '--name', 'chatty', 'busybox', 'sh', '-c', script)
  assert.is(run.code, 0, run.stderr)
  const m = monitorOf(h, 'chatty')
  await waitFor(() => !isProcessAlive(m.pid, m.start), 'its conmon to exit with the container', 60_000)
  const logs = await cli(h, 'logs', 'chatty')
  assert.is(logs.code, 0, logs.stderr)
  const lines = logs.stdout.split('\n').filter(Boolean)
  assert.is(lines.length, 40000)
  assert.is(lines[0], 'line 0 0123456789012345678901')
  assert.is(lines[39999], 'line 39999 0123456789012345678901')
}))

test('system check reports a running container whose conmon was killed (missing-monitor), and --repair leaves it running', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const run = await cli(h, 'run', '-d', '--network', 'none', '--name', 'orphaned', 'busybox', 'sleep', '1000')
  assert.is(run.code, 0, run.stderr)
  const id = run.stdout.trim()
  const clean = await cli(h, 'system', 'check', '--format', 'json')
  assert.is(clean.code, 0, clean.stdout)
  const m = monitorOf(h, 'orphaned')
  process.kill(m.pid, 'SIGKILL')
  await waitFor(() => !isProcessAlive(m.pid, m.start), 'the killed conmon to be gone', 10_000)
  for (const args of [['system', 'check', '--format', 'json'], ['system', 'check', '--repair', '--format', 'json']]) {
    const r = await cli(h, ...args)
    assert.is(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
    const findings = (JSON.parse(r.stdout) as { findings: { kind: string, object: string, repaired: boolean }[] }).findings
    assert.equal(findings.map(f => [f.kind, f.object, f.repaired]), [['missing-monitor', id, false]])
  }
  const ps = await cli(h, 'ps', '--format', '{{.Names}}')
  assert.is(ps.stdout, 'orphaned\n')
  assert.is((await cli(h, 'rm', '-f', '-t', '0', 'orphaned')).code, 0)
}))

test('the monitor of a detached container and of a pod infra is conmon (not node), and the container\'s parent', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const conmon = fs.realpathSync(findConmon()!)
  assert.is((await cli(h, 'run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '1000')).code, 0)
  assert.is((await cli(h, 'pod', 'create', '--name', 'p')).code, 0)
  assert.is((await cli(h, 'run', '-d', '--pod', 'p', '--name', 'member', 'busybox', 'sleep', '1000')).code, 0)
  const infra = listContainers(h.store).find(c => c.isInfra)!
  for (const name of ['sleeper', 'member', infra.name]) {
    const c = lookupContainer(h.store, name)!
    const m = monitorOf(h, name)
    assert.ok(isProcessAlive(m.pid, m.start), `${name}: its conmon runs`)
    assert.is(exeOf(m.pid), conmon, `${name}: the monitor runs conmon`)
    assert.is.not(exeOf(m.pid), fs.realpathSync(process.execPath), `${name}: the monitor is not node`)
    assert.is(ppidOf(c.pid!), m.pid, `${name}: conmon is the parent of the container's init`)
  }
  // system check finds them all owned: nothing to report.
  assert.equal((await cli(h, 'system', 'check')).code, 0)
}))

test('inspect State.ConmonPid is the conmon that parents State.Pid while running; both are 0 once stopped', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const conmon = fs.realpathSync(findConmon()!)
  assert.is((await cli(h, 'run', '-d', '--network', 'none', '--name', 'watched', 'busybox', 'sleep', '1000')).code, 0)
  const state = async () => {
    const r = await cli(h, 'inspect', 'watched')
    assert.is(r.code, 0, r.stderr)
    return (JSON.parse(r.stdout) as { State: { Status: string, Pid: number, ConmonPid: number } }[])[0]!.State
  }
  const running = await state()
  assert.is(running.Status, 'running')
  assert.ok(running.ConmonPid > 0, `ConmonPid ${running.ConmonPid}`)
  assert.is(exeOf(running.ConmonPid), conmon, 'ConmonPid runs conmon')
  assert.is(ppidOf(running.Pid), running.ConmonPid, 'ConmonPid is the parent of State.Pid')
  assert.is(running.ConmonPid, monitorOf(h, 'watched').pid)
  assert.equal((await cli(h, 'inspect', '--format', '{{.State.ConmonPid}}', 'watched')).stdout, `${running.ConmonPid}\n`)
  assert.is((await cli(h, 'stop', '-t', '0', 'watched')).code, 0)
  const stopped = await state()
  assert.equal([stopped.Status, stopped.Pid, stopped.ConmonPid], ['exited', 0, 0])
}))

test('logs: what the container wrote to stdout and stderr comes back exactly, long and unfinished lines too', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const long = 'x'.repeat(20_000)
  const script = [
    "printf 'first line\\n'",
    "printf 'err one\\nerr two\\n' >&2",
    "head -c 20000 /dev/zero | tr '\\0' x",
    "printf '\\n'",
    "printf 'tab\\there \"quoted\" \\\\ back\\n\\n'",
    "printf 'unfinished err' >&2",
    "printf 'no newline at end'",
  ].join('; ')
  const run = await cli(h, 'run', '-d', '--name', 'writer', 'busybox', 'sh', '-c', script)
  assert.is(run.code, 0, run.stderr)
  const m = monitorOf(h, 'writer')
  await waitFor(() => !isProcessAlive(m.pid, m.start), 'its conmon to exit with the container', 30_000)
  const logs = await cli(h, 'logs', 'writer')
  assert.equal(logs, {
    code: 0,
    stdout: `first line\n${long}\ntab\there "quoted" \\ back\n\nno newline at end`,
    stderr: 'err one\nerr two\nunfinished err',
  })
  // conmon's k8s-file lines: "<RFC 3339 nano> <stream> <F|P> <text>".
  for (const line of fs.readFileSync(paths.containerLog(h.config, run.stdout.trim()), 'utf8').split('\n').filter(Boolean)) {
    assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}[+-]\d\d:\d\d (stdout|stderr) [FP] /)
  }
  assert.equal((await cli(h, 'inspect', '--format', '{{.State.ExitCode}}', 'writer')).stdout, '0\n')
}))

test('rm -f of a running detached container leaves no conmon (the PID recorded) and no exit file', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const id = (await cli(h, 'run', '-d', '--name', 'doomed', 'busybox', 'sleep', '1000')).stdout.trim()
  const c = lookupContainer(h.store, 'doomed')!
  const m = monitorOf(h, 'doomed')
  assert.ok(isProcessAlive(m.pid, m.start))
  assert.equal(await cli(h, 'rm', '-f', 'doomed'), { code: 0, stdout: 'doomed\n', stderr: '' })
  assert.not.ok(isProcessAlive(m.pid, m.start), 'its conmon is gone when rm -f returns')
  assert.not.ok(isProcessAlive(c.pid!, c.config['pidStart'] as string))
  assert.not.ok(fs.existsSync(paths.exitFile(h.config, id)))
  assert.equal(listMonitorProcesses(h), [])
}))

test('stop records the real exit code: a trapped SIGTERM that exits 3 is Exited (3); a restart gets a new conmon', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const script = 'trap "exit 3" TERM; while :; do sleep 0.1; done'
  assert.is((await cli(h, 'run', '-d', '--name', 'trapper', 'busybox', 'sh', '-c', script)).code, 0)
  const first = monitorOf(h, 'trapper')
  // The shell installs its trap a moment after it starts.
  const pid = lookupContainer(h.store, 'trapper')!.pid!
  await waitFor(() => { const s = readProcStatus(pid); return s !== undefined && catchesSignal(s, 15) }, 'the TERM trap')
  assert.equal(await cli(h, 'stop', 'trapper'), { code: 0, stdout: 'trapper\n', stderr: '' })
  assert.equal((await cli(h, 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'trapper')).stdout, 'exited 3\n')
  assert.not.ok(isProcessAlive(first.pid, first.start))
  assert.equal(await cli(h, 'start', 'trapper'), { code: 0, stdout: 'trapper\n', stderr: '' })
  const second = monitorOf(h, 'trapper')
  assert.ok(isProcessAlive(second.pid, second.start))
  assert.is.not(second.pid, first.pid)
  assert.equal((await cli(h, 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'trapper')).stdout, 'running 0\n')
}))

test('a create that fails (command not found) exits 127 with the runtime\'s message and leaves no conmon', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await cli(h, 'run', '-d', '--name', 'bad', 'busybox', 'nosuchcmd')
  assert.is(r.code, 127)
  assert.match(r.stderr, /^Error: runc create [0-9a-f]{64}: .*exec: "nosuchcmd": executable file not found in \$PATH\n$/)
  assert.equal(listMonitorProcesses(h), [])
}))

test.run()
