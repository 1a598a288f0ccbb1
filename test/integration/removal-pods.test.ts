import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { runtimeList } from '../../src/containers/host-runtime.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// pod rm -fa on real runc + CNI (the default podctl bridge network), checking every
// source of truth afterwards: rows, processes, mounts, netns files, IPAM, runtime state.
const test = suite('pod rm -fa at scale (real runc, CNI)')

async function cli (h: TestHost, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await runPodctl([...hostArgs(h), ...args])
}

async function ok (h: TestHost, ...args: string[]): Promise<string> {
  const r = await cli(h, ...args)
  assert.is(r.code, 0, `podctl ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

async function buildPods (h: TestHost, pods: number, members: number): Promise<number[]> {
  for (let p = 0; p < pods; p++) await ok(h, 'pod', 'create', '--name', `pod${p}`)
  const jobs: (() => Promise<string>)[] = []
  for (let p = 0; p < pods; p++) for (let m = 0; m < members; m++) jobs.push(() => ok(h, 'run', '-d', '--pod', `pod${p}`, '--name', `pod${p}-m${m}`, 'busybox', 'sleep', '1000'))
  await Promise.all(Array.from({ length: 4 }, async () => { for (let j = jobs.shift(); j !== undefined; j = jobs.shift()) await j() }))
  const ps = JSON.parse(await ok(h, 'ps', '--format', 'json')) as { Pid: number, State: string }[]
  assert.is(ps.length, pods * (members + 1))
  assert.ok(ps.every(c => c.State === 'running'))
  return ps.map(c => c.Pid)
}

function count (h: TestHost, table: string): number {
  return (h.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
}

function ipamEntries (h: TestHost): string[] {
  const dir = path.join(h.config.cniCacheDir, 'networks')
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir).flatMap(net => fs.readdirSync(path.join(dir, net)).filter(f => /^[0-9a-f.:]+$/.test(f) && f.includes('.')).map(f => `${net}/${f}`))
}

async function assertNothingLeft (h: TestHost, pids: number[]): Promise<void> {
  for (const t of ['containers', 'pods', 'container_networks', 'container_deps', 'container_volumes']) assert.is(count(h, t), 0, `${t} rows left`)
  assert.equal(pids.filter(p => isProcessAlive(p)), [], 'container processes left')
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir)), [], 'mounts left')
  const netns = path.join(h.config.runroot, 'netns')
  assert.equal(fs.existsSync(netns) ? fs.readdirSync(netns) : [], [], 'netns files left')
  assert.equal(ipamEntries(h), [], 'IPAM entries left')
  assert.is((await runtimeList(h)).size, 0, 'runtime containers left')
  const results = path.join(h.config.cniCacheDir, 'results')
  assert.equal(fs.existsSync(results) ? fs.readdirSync(results) : [], [], 'CNI cache entries left')
}

test('10 pods × 4 running containers: exit 0, empty stderr, nothing left', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pids = await buildPods(h, 10, 4)
  assert.is(ipamEntries(h).length, 10, 'one address per pod (the infra holds the netns)')
  // Default stop timeout: busybox sleep as PID 1 cannot be stopped by SIGTERM, so the
  // fast-stop rule kills it at once instead of waiting 10 s per container.
  const r = await cli(h, 'pod', 'rm', '-fa', '--format', 'json')
  assert.is(r.stderr, '')
  assert.is(r.code, 0)
  const report = JSON.parse(r.stdout) as { pods: { outcome: string }[], containers: { outcome: string }[] }
  assert.is(report.pods.length, 10)
  assert.ok(report.pods.every(p => p.outcome === 'removed'))
  assert.is(report.containers.filter(c => c.outcome === 'removed').length, 50)
  await assertNothingLeft(h, pids)
}))

test('pod rm -fa killed with SIGKILL mid-way is finished by a second pod rm -fa', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const pids = await buildPods(h, 4, 3)
  // The first run dies when the second container it handles reaches runtime delete.
  const first = await runPodctl([...hostArgs(h), 'pod', 'rm', '-fa'], { env: { PODCTL_FAULT: 'step=runtime-deleted,container=*,action=kill,count=1' } })
  assert.is(first.signal, 'SIGKILL', first.stderr)
  const stuck = h.store.db.prepare("SELECT count(*) AS n FROM containers WHERE state = 'removing'").get() as { n: number }
  assert.ok(stuck.n >= 1, 'the killed run left claimed containers behind')
  const second = await cli(h, 'pod', 'rm', '-fa')
  assert.is(second.stderr, '')
  assert.is(second.code, 0)
  await assertNothingLeft(h, pids)
  const check = await cli(h, 'system', 'check')
  assert.is(check.code, 0, check.stdout + check.stderr)
}))

test.run()
