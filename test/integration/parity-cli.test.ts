import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { paths } from '../../src/storage/paths.js'
import { lookupContainer } from '../../src/state/container-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('parity: logs, -l, aliases, --format (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00 /

test('logs and logs -f: k8s-file log, streams kept apart, --tail, -t, --since; the log goes with the container', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const script = 'echo one; echo oops >&2; sleep 1; echo two; printf tail'
  const id = (await cli(h, 'run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', script)).stdout.trim()
  // Follow from the start: returns once the container has exited and its log is drained.
  const follow = await cli(h, 'logs', '-f', 'talker')
  assert.equal(follow, { code: 0, stdout: 'one\ntwo\ntail', stderr: 'oops\n' })
  const file = fs.readFileSync(paths.containerLog(h.config, id), 'utf8').split('\n').filter(Boolean)
  assert.is(file.length, 4)
  for (const line of file) assert.match(line, /^\d{4}-\d\d-\d\dT\S+ (stdout|stderr) [FP] /)
  assert.equal(file.map(l => l.split(' ').slice(1).join(' ')), ['stdout F one', 'stderr F oops', 'stdout F two', 'stdout P tail'])
  assert.equal(await cli(h, 'logs', 'talker'), { code: 0, stdout: 'one\ntwo\ntail', stderr: 'oops\n' })
  const tail = await cli(h, 'logs', '--tail', '2', 'talker')
  assert.equal([tail.stdout, tail.stderr], ['two\ntail', ''])
  const stamped = await cli(h, 'logs', '-t', '--tail', '1', 'talker')
  assert.match(stamped.stdout, TS)
  assert.ok(stamped.stdout.endsWith(' tail'))
  assert.equal(await cli(h, 'logs', '--since', '2099-01-01T00:00:00Z', 'talker'), { code: 0, stdout: '', stderr: '' })
  assert.equal((await cli(h, 'container', 'logs', '--since', '1h', 'talker')).stdout, 'one\ntwo\ntail')
  const bad = await cli(h, 'logs', '--tail', 'x', 'talker')
  assert.equal([bad.code, bad.stderr], [125, 'Error: invalid argument "x" for "--tail" flag: strconv.ParseInt: parsing "x": invalid syntax\n'])
  assert.equal(await cli(h, 'rm', 'talker'), { code: 0, stdout: 'talker\n', stderr: '' })
  assert.not.ok(fs.existsSync(path.dirname(paths.containerLog(h.config, id))))
  const missing = await cli(h, 'logs', 'talker')
  assert.equal([missing.code, missing.stderr], [125, 'Error: no container with name or ID "talker" found: no such container\n'])
}))

test('logs -f of a running container follows new lines; rm -f ends it and its conmon', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const id = (await cli(h, 'run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done')).stdout.trim()
  const follow = cli(h, 'logs', '-f', 'ticker')
  const log = paths.containerLog(h.config, id)
  await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('tick3'), 'four ticks in the log', 20_000)
  const monitor = lookupContainer(h.store, 'ticker')!.config['monitor'] as { pid: number, start: string }
  assert.equal(await cli(h, 'rm', '-f', '-t', '0', 'ticker'), { code: 0, stdout: 'ticker\n', stderr: '' })
  const r = await follow
  assert.is(r.code, 0)
  assert.match(r.stdout, /^tick0\ntick1\ntick2\ntick3\n/)
  assert.not.ok(isProcessAlive(monitor.pid, monitor.start), 'rm -f leaves no conmon')
}))

test('-l picks the newest container or pod; its conflicts fail with Podman\'s words', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.is((await cli(h, 'create', '--name', 'older', 'busybox', 'sleep', '100')).code, 0)
  assert.is((await cli(h, 'create', '--name', 'newer', 'busybox', 'sleep', '100')).code, 0)
  assert.equal(await cli(h, 'inspect', '-l', '--format', '{{.Name}}'), { code: 0, stdout: 'newer\n', stderr: '' })
  const newerId = lookupContainer(h.store, 'newer')!.id
  assert.equal(await cli(h, 'start', '-l'), { code: 0, stdout: `${newerId}\n`, stderr: '' })
  assert.equal(await cli(h, 'stop', '-l', '-t', '0'), { code: 0, stdout: `${newerId}\n`, stderr: '' })
  const cidfile = path.join(h.dir, 'cid')
  fs.writeFileSync(cidfile, newerId)
  const conflicts: [string[], string][] = [
    [['rm', '-l', 'older'], '--latest and containers cannot be used together'],
    [['rm', '-a', '-l'], '--all and --latest cannot be used together'],
    [['rm', '-l', '--cidfile', cidfile], '--all, --latest, and --cidfile cannot be used together'],
    [['stop', '-l', 'older'], '--latest and containers cannot be used together'],
    [['stop', '-a', '-l'], '--all and --latest cannot be used together'],
    [['stop', '--cidfile', cidfile, 'older'], 'no arguments are needed with --latest or --cidfile'],
    [['stop'], 'you must provide at least one name or id'],
    [['start', '-l', 'older'], '--latest and containers cannot be used together'],
    [['start'], 'start requires at least one argument'],
    [['inspect', '-l', 'older'], '--latest and arguments cannot be used together'],
    [['logs', '-l', 'older'], '--latest and containers cannot be used together'],
    [['logs'], 'specify at least one container name or ID to log'],
    [['pod', 'inspect', '-l', 'p'], '--latest and arguments cannot be used together'],
    [['pod', 'rm', '-a', '-l'], '--all and --latest cannot be used together'],
  ]
  for (const [args, msg] of conflicts) {
    const r = await cli(h, ...args)
    assert.equal([r.code, r.stdout.replace('[]\n', ''), r.stderr], [125, '', `Error: ${msg}\n`], args.join(' '))
  }
  assert.equal(await cli(h, 'container', 'rm', '-l'), { code: 0, stdout: `${newerId}\n`, stderr: '' })
  assert.equal(lookupContainer(h.store, 'newer'), undefined)
  assert.ok(lookupContainer(h.store, 'older'))
  // Pods: -l is the newest pod.
  const p1 = (await cli(h, 'pod', 'create', '--infra=false', '--name', 'p1')).stdout.trim()
  const p2 = (await cli(h, 'pod', 'create', '--infra=false', '--name', 'p2')).stdout.trim()
  assert.equal(await cli(h, 'pod', 'inspect', '-l', '--format', '{{.Name}} {{.Id}}'), { code: 0, stdout: `p2 ${p2}\n`, stderr: '' })
  assert.equal(await cli(h, 'pod', 'rm', '-l'), { code: 0, stdout: `${p2}\n`, stderr: '' })
  assert.equal((await cli(h, 'pod', 'ls', '--format', '{{.Name}}')).stdout, 'p1\n')
  assert.ok(p1.length === 64)
}))

test('container <cmd> aliases and Go-template --format (fields, json, range, table, unknown field)', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const id = (await cli(h, 'container', 'run', '-d', '--name', 'web', '--label', 'app=x', 'busybox', 'sleep', '1000')).stdout.trim()
  const pid = lookupContainer(h.store, 'web')!.pid!
  assert.equal(await cli(h, 'inspect', '--format', '{{.State.Pid}}', 'web'), { code: 0, stdout: `${pid}\n`, stderr: '' })
  assert.equal(await cli(h, 'container', 'inspect', '--format', '{{.Id}} {{.ID}} {{.State.Status}}', 'web'), { code: 0, stdout: `${id} ${id} running\n`, stderr: '' })
  assert.equal((await cli(h, 'inspect', '--format', '{{json .Config.Labels}}', 'web')).stdout, '{"app":"x"}\n')
  assert.equal((await cli(h, 'inspect', '--format', '{{range .Config.Cmd}}[{{.}}]{{end}}', 'web')).stdout, '[sleep][1000]\n')
  const unknown = await cli(h, 'inspect', '--format', '{{.Nope}}', 'web')
  assert.equal([unknown.code, unknown.stdout], [125, ''])
  assert.match(unknown.stderr, /^Error: template: inspect:1:\d+: executing "inspect" at <\.Nope>: can't evaluate field Nope in type \S+\n$/)
  assert.equal(await cli(h, 'container', 'ls', '--format', '{{.Names}} {{.ID}}'), { code: 0, stdout: `web ${id.slice(0, 12)}\n`, stderr: '' })
  assert.equal((await cli(h, 'ps', '--format', 'table {{.ID}}\\t{{.Names}}')).stdout, `CONTAINER ID  NAMES\n${id.slice(0, 12)}  web\n`)
  assert.equal((await cli(h, 'ps', '--format', '{{json .Names}}')).stdout, '"web"\n')
  assert.equal((await cli(h, 'ps', '--format', 'json')).code, 0)
  assert.equal((await cli(h, 'volume', 'create', 'v1')).code, 0)
  assert.equal((await cli(h, 'volume', 'ls', '--format', '{{.Name}}')).stdout, 'v1\n')
  assert.equal((await cli(h, 'volume', 'inspect', '--format', '{{.Mountpoint}}', 'v1')).stdout, `${h.config.root}/volumes/v1/_data\n`)
  assert.equal((await cli(h, 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')).stdout, 'busybox:latest\n')
  assert.equal(await cli(h, 'container', 'rm', '-f', 'web'), { code: 0, stdout: 'web\n', stderr: '' })
  assert.equal(await cli(h, 'container', 'ls', '-a', '-q'), { code: 0, stdout: '', stderr: '' })
}))

test.run()
