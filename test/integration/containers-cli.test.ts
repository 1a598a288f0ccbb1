import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { getContainer } from '../../src/state/container-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('containers CLI (real runc)')

const cli = async (h: TestHost, ...args: string[]) => await runInProcess([...hostArgs(h), ...args])

test('run -d prints the ID; inspect shows Podman fields; stop prints the name as typed', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const cidfile = path.join(h.dir, 'cid')
  const run = await cli(h, 'run', '-d', '--name', 'web', '--label', 'app=x', '--stop-signal', 'TERM', '--stop-timeout', '5', '--cidfile', cidfile, '-v', 'data:/data', 'busybox', 'sh', '-c', 'exec sleep 1000')
  assert.is(run.code, 0, run.stderr)
  const id = run.stdout.trim()
  assert.match(id, /^[0-9a-f]{64}$/)
  assert.is(fs.readFileSync(cidfile, 'utf8'), id)
  const [info] = JSON.parse((await cli(h, 'inspect', 'web')).stdout) as Record<string, Record<string, unknown>>[]
  assert.equal([info!['Id'], info!['Name'], info!['ImageName'], info!['IsInfra']], [id, 'web', 'busybox:latest', false])
  assert.equal([info!['State']!['Status'], info!['State']!['Running']], ['running', true])
  assert.equal(info!['Config']!['Labels'], { app: 'x' })
  assert.equal([info!['Config']!['StopSignal'], info!['Config']!['StopTimeout'], info!['Config']!['Cmd']], ['SIGTERM', 5, ['sh', '-c', 'exec sleep 1000']])
  const pid = info!['State']!['Pid'] as number
  // On the default podctl network: the netns file CNI attached.
  assert.is(info!['NetworkSettings']!['SandboxKey'], path.join(h.config.runroot, 'netns', id))
  assert.equal((info!['Mounts'] as unknown as Record<string, unknown>[]).map(m => [m['Type'], m['Name'], m['Destination']]), [['volume', 'data', '/data']])
  const tmpl = await cli(h, 'container', 'inspect', '--format', '{{.State.Status}} {{.Name}}', id.slice(0, 12))
  assert.is(tmpl.stdout, 'running web\n')
  const stop = await cli(h, 'stop', 'web')
  assert.equal([stop.code, stop.stdout], [0, 'web\n'])
  assert.not.ok(isProcessAlive(pid))
  const after = JSON.parse((await cli(h, 'inspect', id)).stdout) as Record<string, Record<string, unknown>>[]
  assert.equal([after[0]!['State']!['Status'], after[0]!['State']!['ExitCode'], after[0]!['State']!['Pid']], ['exited', 137, 0])
}))

test('start and kill: kill -s KILL is recorded as 137 when observed', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const id = (await cli(h, 'create', '--name', 'k', 'busybox', 'sleep', '1000')).stdout.trim()
  assert.equal(await cli(h, 'start', 'k'), { code: 0, stdout: 'k\n', stderr: '' })
  const pid = getContainer(h.store, id)!.pid!
  assert.equal(await cli(h, 'kill', '-s', 'KILL', 'k'), { code: 0, stdout: 'k\n', stderr: '' })
  for (let i = 0; i < 500 && isProcessAlive(pid); i++) await new Promise(resolve => setTimeout(resolve, 10))
  const st = (await cli(h, 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'k')).stdout
  assert.is(st, 'exited 137\n')
  const again = await cli(h, 'kill', 'k')
  assert.is(again.code, 125)
  assert.match(again.stderr, /^Error: can only kill running containers\. [0-9a-f]{64} is in state exited: container state improper\n$/)
}))

test('attached run waits and prints the output; flags after the image belong to the command', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await cli(h, 'run', '--name', 'echo', 'busybox', 'echo', 'hello', '-n', '--name')
  assert.equal([r.code, r.stdout], [0, 'hello -n --name\n'])
  const viaGroup = await runInProcess(['container', 'run', ...hostArgs(h), '--name', 'g', 'busybox', 'echo', 'grouped'])
  assert.equal([viaGroup.code, viaGroup.stdout], [0, 'grouped\n'])
  const help = await cli(h, 'create', '--help')
  assert.is(help.code, 0)
  assert.match(help.stdout, 'Usage: podctl create [options] IMAGE [COMMAND [ARG...]]')
}))

test('bad input: exit 125, exact messages, nothing created', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const cases: [string[], string][] = [
    [['create', 'nope', 'true'], 'Error: nope: image not known\n'],
    [['create', '--network', 'container:ghost', 'busybox', 'true'], 'Error: --network container:ghost: no container with name or ID "ghost" found: no such container\n'],
    [['create', '--network', 'mynet', 'busybox', 'true'], 'Error: unable to find network with name or ID mynet: network not found\n'],
    [['create', '--stop-signal', 'NOPE', 'busybox', 'true'], 'Error: invalid signal: NOPE\n'],
    [['create', '--stop-timeout', 'soon', 'busybox', 'true'], 'Error: invalid argument "soon" for "--stop-timeout" flag: must be a non-negative whole number of seconds\n'],
    [['create', '-v', '/a/../../etc:/x', 'busybox', 'true'], 'Error: invalid host path "/a/../../etc": must not contain ".."\n'],
    [['create', '--bogus', 'busybox', 'true'], "Error: unknown flag: --bogus\nSee 'podctl create --help'\n"],
    [['create', '--name', 'bad/name', 'busybox', 'true'], 'Error: running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n'],
  ]
  for (const [args, stderr] of cases) {
    const r = await cli(h, ...args)
    assert.equal([r.code, r.stderr], [125, stderr], args.join(' '))
  }
  assert.is((h.store.db.prepare('SELECT count(*) AS n FROM containers').get() as { n: number }).n, 0)
  const stop = await cli(h, 'stop', 'ghost')
  assert.equal([stop.code, stop.stderr], [125, 'Error: no container with name or ID "ghost" found: no such container\n'])
  const inspect = await cli(h, 'inspect', 'ghost')
  assert.equal([inspect.code, inspect.stdout, inspect.stderr], [125, '[]\n', 'Error: no such object: "ghost"\n'])
  const kill = await cli(h, 'kill', '-s', 'BOGUS', 'x')
  assert.equal([kill.code, kill.stderr], [125, 'Error: invalid signal: BOGUS\n'])
}))

test('image and volume commands', () => withTestHost(async h => {
  const ls = JSON.parse((await cli(h, 'image', 'ls', '--format', 'json')).stdout) as unknown[]
  assert.equal(ls, [])
  await importBusyboxImage(h)
  assert.is((await cli(h, 'images', '-q')).stdout.trim().length, 12)
  assert.equal(await cli(h, 'volume', 'create', 'v1'), { code: 0, stdout: 'v1\n', stderr: '' })
  const vi = JSON.parse((await cli(h, 'volume', 'inspect', 'v1')).stdout) as Record<string, unknown>[]
  assert.equal([vi[0]!['Name'], vi[0]!['Mountpoint']], ['v1', `${h.config.root}/volumes/v1/_data`])
  assert.is((await cli(h, 'create', '-v', 'v1:/d', 'busybox', 'true')).code, 0)
  const rm = await cli(h, 'volume', 'rm', 'v1')
  assert.is(rm.code, 2)
  const rmi = await cli(h, 'image', 'rm', 'busybox')
  assert.is(rmi.code, 2)
  assert.match(rmi.stderr, 'image is in use by a container')
  assert.equal(await cli(h, 'volume', 'create', 'v2'), { code: 0, stdout: 'v2\n', stderr: '' })
  assert.equal(await cli(h, 'volume', 'prune', '-f'), { code: 0, stdout: 'v2\n', stderr: '' })
}))

test.run()
