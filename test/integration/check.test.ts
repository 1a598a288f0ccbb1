import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/index.js'
import { deleteRuntimeContainer, runtimeList } from '../../src/containers/host-runtime.js'
import type { ContainerId } from '../../src/ids.js'
import { networkLockPath } from '../../src/network/container-lock.js'
import { CNIEnv } from '../../src/network/index.js'
import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { claimContainer } from '../../src/state/claims.js'
import { getContainer, listContainers } from '../../src/state/container-rows.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { paths } from '../../src/storage/paths.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('system check (real runc, CNI)')

const cli = async (h: TestHost, ...args: string[]) => await runInProcess([...hostArgs(h), ...args])

async function check (h: TestHost, repair = false): Promise<{ code: number, findings: Finding[] }> {
  const r = await cli(h, 'system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json')
  assert.is(r.stderr, '')
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings }
}

const kinds = (fs: Finding[]): string[] => fs.map(f => f.kind).sort()

async function runDetached (h: TestHost, ...args: string[]): Promise<{ id: string, pid: number }> {
  const r = await cli(h, 'run', '-d', ...args, 'busybox', 'sleep', '1000')
  assert.is(r.code, 0, r.stderr)
  const id = r.stdout.trim()
  return { id, pid: getContainer(h.store, id)!.pid! }
}

// A raw connection with foreign keys off: how a damaged database gets its dangling rows.
function withRawDb (h: TestHost, fn: (db: Database.Database) => void): void {
  const db = new Database(path.join(h.config.root, 'state.db'))
  try {
    db.pragma('foreign_keys = OFF')
    fn(db)
  } finally {
    db.close()
  }
}

test('a clean host with a container and a pod: exit 0, no findings, text says so', () => withTestHost(async h => {
  await importBusyboxImage(h)
  await runDetached(h, '--name', 'a')
  assert.is((await cli(h, 'pod', 'create', '--name', 'p')).code, 0)
  await runDetached(h, '--pod', 'p', '--name', 'pm')
  assert.equal(await check(h), { code: 0, findings: [] })
  assert.equal(await cli(h, 'system', 'check'), { code: 0, stdout: 'No inconsistencies found\n', stderr: '' })
}))

test('stuck removal of a dead owner: found (exit 1), --repair finishes it through the engine, then clean', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, '--name', 'half')
  claimContainer(h.store, c.id as ContainerId, { pid: 2 ** 22 + 17, start: '1' })
  await deleteRuntimeContainer(h, c.id as ContainerId)
  const found = await check(h)
  assert.equal([found.code, kinds(found.findings)], [1, ['stuck-removal']])
  assert.equal(found.findings[0]!.object, c.id)
  const fixed = await check(h, true)
  assert.equal([fixed.code, fixed.findings.map(f => [f.kind, f.repaired])], [0, [['stuck-removal', true]]])
  assert.is(getContainer(h.store, c.id), undefined)
  assert.not.ok(isProcessAlive(c.pid))
  assert.not.ok(fs.existsSync(paths.containerStorage(h.config, c.id)))
  assert.equal(await check(h), { code: 0, findings: [] })
}))

test('running row whose process is gone: stale-running, repaired to exited; lost storage dir: reported, not repaired', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, '--name', 'ghost')
  process.kill(c.pid, 'SIGKILL')
  await deleteRuntimeContainer(h, c.id as ContainerId)
  assert.is((await cli(h, 'create', '--name', 'lost', 'busybox', 'true')).code, 0)
  const lost = listContainers(h.store).find(x => x.name === 'lost')!
  execFileSync('umount', [paths.containerRootfs(h.config, lost.id)], { timeout: 10_000 })
  fs.rmSync(paths.containerStorage(h.config, lost.id), { recursive: true })
  const found = await check(h)
  assert.equal([found.code, kinds(found.findings)], [1, ['missing-storage', 'stale-running']])
  const fixed = await check(h, true)
  assert.is(fixed.code, 1)
  assert.equal(fixed.findings.map(f => [f.kind, f.repaired, f.reason]), [
    ['stale-running', true, undefined],
    ['missing-storage', false, 'its rootfs data is lost; remove the container with podctl rm -f'],
  ])
  assert.is(getContainer(h.store, c.id)?.state, 'exited')
  assert.is((await cli(h, 'rm', '-f', 'lost')).code, 0)
  assert.equal(await check(h), { code: 0, findings: [] })
}))

test('rows deleted under a running container: runtime, conmon, mount and dirs are orphans; --repair kills, unmounts, removes', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const c = await runDetached(h, '--name', 'orphan', '--network', 'none')
  const monitor = getContainer(h.store, c.id)!.config['monitor'] as { pid: number, start: string }
  h.store.write(() => h.store.db.prepare('DELETE FROM containers WHERE id = ?').run(c.id))
  const found = await check(h)
  assert.equal([found.code, kinds(found.findings)], [1, ['orphan-conmon', 'orphan-mount', 'orphan-runtime-container', 'orphan-storage', 'orphan-storage']])
  assert.equal(found.findings.filter(f => f.kind === 'orphan-storage').map(f => f.object).sort(), [paths.bundle(h.config, c.id), paths.containerStorage(h.config, c.id)].sort())
  assert.equal(found.findings.filter(f => f.kind === 'orphan-conmon').map(f => [f.object, f.detail]), [[c.id, `conmon (pid ${monitor.pid}) monitors container ${c.id}, which has no container row`]])
  const fixed = await check(h, true)
  assert.equal([fixed.code, fixed.findings.every(f => f.repaired)], [0, true])
  assert.not.ok(isProcessAlive(c.pid))
  assert.not.ok(isProcessAlive(monitor.pid, monitor.start))
  assert.not.ok(fs.existsSync(paths.exitFile(h.config, c.id)))
  assert.is((await runtimeList(h)).size, 0)
  assert.equal([...listMountPoints()].filter(m => m.startsWith(h.dir + '/')), [])
  assert.not.ok(fs.existsSync(paths.containerStorage(h.config, c.id)))
  assert.equal(await check(h), { code: 0, findings: [] })
}))

test('dangling dependency, pod claiming a missing infra, container naming a missing pod: found; repair fixes the first two', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.is((await cli(h, 'create', '--name', 'a', 'busybox', 'true')).code, 0)
  assert.is((await cli(h, 'pod', 'create', '--name', 'p', '--infra=false')).code, 0)
  assert.is((await cli(h, 'create', '--name', 'b', '--pod', 'p', 'busybox', 'true')).code, 0)
  const id = (n: string): string => listContainers(h.store).find(x => x.name === n)!.id
  const [a, b] = [id('a'), id('b')]
  const ghost = 'f'.repeat(64)
  withRawDb(h, db => {
    db.prepare("INSERT INTO container_deps VALUES (?, ?, 'requires')").run(a, ghost)
    db.prepare("UPDATE pods SET infra_id = ? WHERE name = 'p'").run('e'.repeat(64))
    db.prepare("UPDATE containers SET pod_id = ? WHERE id = ?").run('d'.repeat(64), b)
  })
  const found = await check(h)
  assert.equal([found.code, kinds(found.findings)], [1, ['dangling-dependency', 'dangling-pod-ref', 'pod-missing-member']])
  assert.ok(found.findings.some(f => f.detail === `dependency (requires) of ${a} on ${ghost}: container ${ghost} does not exist`))
  const fixed = await check(h, true)
  assert.equal([fixed.code, fixed.findings.map(f => [f.kind, f.repaired]).sort()], [1, [['dangling-dependency', true], ['dangling-pod-ref', false], ['pod-missing-member', true]]])
  assert.is((h.store.db.prepare('SELECT count(*) AS n FROM container_deps').get() as { n: number }).n, 0)
}))

test('CNI leftovers of a container without a row: result cache, IPAM, netns and a peerless veth found; --repair releases them', () => withTestHost(async h => {
  const net = `ck${randomBytes(3).toString('hex')}`
  const cni = CNIEnv.fromHost(h)
  const bridge = `${net}br`
  const veth = `${net}v`
  const b = randomBytes(2)
  try {
    await cni.create({ name: net, subnets: [`10.${100 + (b[0]! % 100)}.${b[1]!}.0/24`], interfaceName: bridge })
    const cid = randomBytes(32).toString('hex')
    const res = await cni.attach(cid, [{ name: net }])
    // An allocation without a cache entry or netns (a half-done ADD of another ghost).
    const ipamDir = path.join(h.config.cniCacheDir, 'networks', net)
    const ghost = randomBytes(32).toString('hex')
    fs.writeFileSync(path.join(ipamDir, '10.0.0.99'), `${ghost}\r\neth0`)
    execFileSync('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`], { timeout: 10_000 })
    execFileSync('ip', ['link', 'set', veth, 'master', bridge], { timeout: 10_000 })
    const found = await check(h)
    assert.equal([found.code, kinds(found.findings)], [1, ['orphan-cni-result', 'orphan-ipam', 'orphan-ipam', 'orphan-netns', 'orphan-veth']])
    assert.ok(found.findings.some(f => f.kind === 'orphan-ipam' && f.object === path.join(ipamDir, res.networks[0]!.ips[0]!.split('/')[0]!)))
    const fixed = await check(h, true)
    assert.equal([fixed.code, fixed.findings.every(f => f.repaired)], [0, true])
    assert.equal(fs.readdirSync(ipamDir).filter(n => /^\d/.test(n)), [])
    assert.not.ok(fs.existsSync(res.netnsPath))
    assert.not.ok(fs.existsSync(networkLockPath(h.config.runroot, cid)), 'its network lock file goes with the netns')
    assert.not.ok(fs.existsSync(`/sys/class/net/${veth}`))
    assert.equal(await check(h), { code: 0, findings: [] })
  } finally {
    try { execFileSync('ip', ['link', 'del', veth], { stdio: 'ignore', timeout: 10_000 }) } catch {}
    await cni.remove(net).catch(() => {})
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore', timeout: 10_000 }) } catch {}
  }
}))

test('another tool\'s CNI cache entries and IPAM data (network not in the config dir, not written by podctl) are never reported or touched', () => withTestHost(async h => {
  const cid = randomBytes(32).toString('hex')
  const results = path.join(h.config.cniCacheDir, 'results')
  const ipam = path.join(h.config.cniCacheDir, 'networks', 'othertool')
  fs.mkdirSync(results, { recursive: true })
  fs.mkdirSync(ipam, { recursive: true })
  const config = Buffer.from('{"cniVersion":"1.0.0","name":"othertool","plugins":[{"type":"bridge"}]}').toString('base64')
  const entry = JSON.stringify({ kind: 'cniCacheV1', containerId: cid, config, ifName: 'eth0', networkName: 'othertool', result: { ips: [{ address: '10.250.0.5/24' }] } })
  fs.writeFileSync(path.join(results, `othertool-${cid}-eth0`), entry)
  fs.writeFileSync(path.join(ipam, '10.250.0.5'), `${cid}\r\neth0`)
  assert.equal(await check(h, true), { code: 0, findings: [] })
  assert.is(fs.readFileSync(path.join(results, `othertool-${cid}-eth0`), 'utf8'), entry)
  assert.ok(fs.existsSync(path.join(ipam, '10.250.0.5')))
}))

test('a conflist that does not parse: found, never repaired or touched (exit 1 even with --repair)', () => withTestHost(async h => {
  fs.mkdirSync(h.config.cniConfigDir, { recursive: true })
  const file = path.join(h.config.cniConfigDir, 'broken.conflist')
  fs.writeFileSync(file, '{"cniVersion": "1.0.0", "name": ')
  const found = await check(h, true)
  assert.equal(found.findings.map(f => [f.kind, f.object, f.repaired, f.reason]), [['bad-conflist', file, false, 'podctl never changes a CNI config file it cannot parse; fix or remove it by hand']])
  assert.is(found.code, 1)
  assert.is(fs.readFileSync(file, 'utf8'), '{"cniVersion": "1.0.0", "name": ')
  const text = await cli(h, 'system', 'check')
  assert.is(text.code, 1)
  assert.match(text.stdout, /^bad-conflist: .*broken\.conflist: .* \(not repaired: podctl never changes/)
}))

test('system reset: refused without -f when stdin is no terminal; with -f everything goes and check is clean', () => withTestHost(async h => {
  await importBusyboxImage(h)
  await runDetached(h, '--name', 'a', '-v', '/anon')
  assert.is((await cli(h, 'pod', 'create', '--name', 'p')).code, 0)
  await runDetached(h, '--pod', 'p', '--name', 'pm')
  assert.is((await cli(h, 'volume', 'create', 'named')).code, 0)
  const refused = await cli(h, 'system', 'reset')
  assert.equal([refused.code, refused.stderr], [125, 'Error: system reset removes everything: pass --force (-f) when stdin is not a terminal\n'])
  assert.is(listContainers(h.store).length, 3)
  const r = await cli(h, 'system', 'reset', '-f')
  assert.equal([r.code, r.stderr, r.stdout], [0, '', 'Removed 3 containers, 1 pods, 0 networks, 2 volumes, 1 images\n'])
  const left = h.store.db.prepare('SELECT (SELECT count(*) FROM containers) + (SELECT count(*) FROM pods) + (SELECT count(*) FROM volumes) + (SELECT count(*) FROM images) AS n').get() as { n: number }
  assert.is(left.n, 0)
  assert.equal(await check(h), { code: 0, findings: [] })
}))

test.run()
