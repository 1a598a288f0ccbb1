import { spawn } from 'node:child_process'
import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runtimeList } from '../../src/containers/host-runtime.js'
import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { paths } from '../../src/storage/paths.js'
import { getContainer, lookupContainer } from '../../src/state/container-rows.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { PODCTL_BIN, runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('parity: attached run, --rm (real runc, built CLI)')

const cli = async (h: TestHost, args: string[], input?: string) => await runPodctl([...hostArgs(h), ...args], input === undefined ? {} : { input })
const count = (h: TestHost, table: string): number => (h.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

test('attached run: exit status 0/1/125/126/127, stdout and stderr kept apart, -i feeds stdin', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const ok = await cli(h, ['run', 'busybox', 'sh', '-c', 'echo out; echo err >&2'])
  assert.equal(ok, { code: 0, stdout: 'out\n', stderr: 'err\n' })
  const one = await cli(h, ['run', 'busybox', 'false'])
  assert.equal(one, { code: 1, stdout: '', stderr: '' })
  const status = await cli(h, ['run', '--name', 's42', 'busybox', 'sh', '-c', 'exit 42'])
  assert.is(status.code, 42)
  const own = await cli(h, ['run', 'nosuchimage', 'true'])
  assert.equal([own.code, own.stderr], [125, 'Error: nosuchimage: image not known\n'])
  const cannot = await cli(h, ['run', 'busybox', '/etc'])
  assert.is(cannot.code, 126)
  assert.match(cannot.stderr, /^Error: runc run [0-9a-f]{64}: unable to start container process: exec: "\/etc": permission denied\n$/)
  const notFound = await cli(h, ['run', 'busybox', 'nosuchcmd'])
  assert.is(notFound.code, 127)
  assert.match(notFound.stderr, /^Error: runc run [0-9a-f]{64}: .*exec: "nosuchcmd": executable file not found in \$PATH\n$/)
  assert.is(notFound.stdout, '')
  const stdin = await cli(h, ['run', '-i', 'busybox', 'cat'], 'typed line\n')
  assert.equal(stdin, { code: 0, stdout: 'typed line\n', stderr: '' })
  const detachedBad = await cli(h, ['run', '-d', 'busybox', 'nosuchcmd'])
  assert.is(detachedBad.code, 127)
  // The exit status is in the row, and the attached output is in the container's log too.
  const row = lookupContainer(h.store, 's42')!
  assert.equal([row.state, row.exitCode], ['exited', 42])
  assert.equal(await runtimeList(h).then(m => [...m.keys()].filter(id => id === row.id)), [])
}))

test('attached run killed by a concurrent rm -f ends with 137 and says nothing', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const attached = cli(h, ['run', '--name', 'victim', 'busybox', 'sleep', '1000'])
  const pid = await waitFor(() => lookupContainer(h.store, 'victim')?.pid, 'the attached container to run', 30_000)
  const rm = await cli(h, ['rm', '-f', 'victim'])
  assert.equal(rm, { code: 0, stdout: 'victim\n', stderr: '' })
  const r = await attached
  assert.equal(r, { code: 137, stdout: '', stderr: '' })
  assert.not.ok(isProcessAlive(pid))
  assert.is(count(h, 'containers'), 0)
}))

test('run --rm leaves nothing: no row, mount, runtime state, storage dir or log', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await cli(h, ['run', '--rm', '--name', 'gone', '-v', '/anon', 'busybox', 'sh', '-c', 'echo bye; exit 3'])
  assert.equal(r, { code: 3, stdout: 'bye\n', stderr: '' })
  assert.is(count(h, 'containers'), 0)
  assert.is(count(h, 'volumes'), 0)
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir)), [])
  assert.equal((await runtimeList(h)).size, 0)
  const storage = `${h.config.root}/storage/containers`
  assert.equal(fs.existsSync(storage) ? fs.readdirSync(storage) : [], [])
  const failed = await cli(h, ['run', '--rm', 'busybox', 'nosuchcmd'])
  assert.is(failed.code, 127)
  assert.is(count(h, 'containers'), 0)
}))

test('run -d --rm: removed by the next podctl that sees it exited; a concurrent rm -f prints it only if it removed it', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const d = await cli(h, ['run', '-d', '--rm', '--name', 'quick', 'busybox', 'true'])
  assert.is(d.code, 0)
  const id = d.stdout.trim()
  await waitFor(() => !isProcessAlive(getContainer(h.store, id as never)?.pid ?? 0), 'the --rm container to exit', 30_000)
  const [rm, ps] = await Promise.all([cli(h, ['rm', '-f', 'quick']), cli(h, ['ps', '-a', '--format', '{{.Names}}'])])
  // Only the process that removed it prints it: rm -f, unless ps's auto-removal of the
  // exited --rm container got there first (then rm -f finds it gone: nothing, exit 0).
  assert.equal([rm.code, rm.stderr], [0, ''])
  assert.ok(rm.stdout === 'quick\n' || rm.stdout === '', JSON.stringify(rm.stdout))
  // ps may still list it (as removing) while rm -f works on it; nothing is left after both.
  assert.equal([ps.code, ps.stderr], [0, ''])
  assert.is(count(h, 'containers'), 0)
  assert.not.ok(fs.existsSync(paths.containerStorage(h.config, id)))

  // Still running: run -d --rm and rm -f both exit 0, one removal, one line.
  const run = await cli(h, ['run', '-d', '--rm', '--name', 'busy', 'busybox', 'sleep', '1000'])
  assert.is(run.code, 0)
  const bid = run.stdout.trim()
  const monitor = (getContainer(h.store, bid as never)!.config['monitor'] as { pid: number, start: string })
  assert.ok(isProcessAlive(monitor.pid, monitor.start), 'its conmon runs while the container runs')
  const [a, b] = await Promise.all([cli(h, ['rm', '-f', 'busy']), cli(h, ['ps', '-a', '-q'])])
  assert.equal([a.code, a.stdout, b.code], [0, 'busy\n', 0])
  assert.is(count(h, 'containers'), 0)
  assert.not.ok(isProcessAlive(monitor.pid, monitor.start), 'rm -f leaves no conmon')
  assert.not.ok(fs.existsSync(paths.containerLog(h.config, bid)))
}))

test('create --rm + start: the next podctl that sees it exited removes it (anonymous volume too)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const id = (await cli(h, ['create', '--rm', '--name', 'later', '-v', '/scratch', 'busybox', 'sh', '-c', 'echo done'])).stdout.trim()
  assert.equal(await cli(h, ['ps', '-a', '--format', '{{.Names}} {{.AutoRemove}}']), { code: 0, stdout: 'later true\n', stderr: '' })
  assert.equal(await cli(h, ['start', 'later']), { code: 0, stdout: 'later\n', stderr: '' })
  await waitFor(() => { const c = getContainer(h.store, id as never); return c !== undefined && !isProcessAlive(c.pid ?? 0, c.config['pidStart'] as string | undefined) }, 'the process to exit', 30_000)
  assert.equal(await cli(h, ['ps', '-a', '-q']), { code: 0, stdout: '', stderr: '' })
  assert.equal([count(h, 'containers'), count(h, 'volumes')], [0, 0])
  assert.not.ok(fs.existsSync(paths.containerStorage(h.config, id)))
}))

test('Ctrl-C at an attached run is forwarded to the container (--sig-proxy, default on)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const script = 'trap "echo got INT; exit 7" INT; echo ready; while :; do sleep 0.1; done'
  const child = spawn(process.execPath, [PODCTL_BIN, ...hostArgs(h), 'run', '--name', 'trapper', 'busybox', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const closed = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
    await waitFor(() => stdout.includes('ready\n'), 'the container to be ready', 30_000).catch((err: unknown) => { throw new Error(`${String(err)}: stdout ${JSON.stringify(stdout)} stderr ${JSON.stringify(stderr)}`) })
    child.kill('SIGINT')
    assert.equal([await closed, stdout, stderr], [7, 'ready\ngot INT\n', ''])
    assert.equal([lookupContainer(h.store, 'trapper')!.state, lookupContainer(h.store, 'trapper')!.exitCode], ['exited', 7])
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}))

test.run()
