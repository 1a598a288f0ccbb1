import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/index.js'
import { CNIEnv } from '../../src/network/index.js'
import { netnsPathFor } from '../../src/network/netns.js'
import { removeNetns } from '../../src/network/netns.js'
import { portmapChain, removePortmapChain } from '../../src/network/portmap-rules.js'
import { listContainers } from '../../src/state/container-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess, runPodctl } from '../helpers/cli.js'
import { makeLoggingPluginDir, portmapChainsOn, randomSubnet, uniqueName } from '../helpers/cni.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// portmap's CNI-DN- chains on real iptables: system check finds (orphan-port-mapping) and
// --repair removes those of containers that are gone, and only those. Each test looks at
// the chains of its own network and container IDs only (iptables is host-wide).
const test = suite('orphan portmap rules')

const cli = (h: TestHost, ...args: string[]) => runInProcess([...hostArgs(h), ...args])
const natLines = (): string[] => execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n')
const linesOf = (chain: string): string[] => natLines().filter(l => l.includes(chain))

const check = async (h: TestHost, repair = false): Promise<Finding[]> => {
  const r = await cli(h, 'system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json')
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
}

// The container disappears behind podctl's back: process killed, row, CNI cache entry and
// netns gone (as after a teardown whose portmap DEL never ran), its iptables rules stay.
async function vanish (h: TestHost, network: string, id: string): Promise<void> {
  const row = listContainers(h.store).find(c => c.id === id)!
  if (row.pid !== null) process.kill(row.pid, 'SIGKILL')
  fs.rmSync(path.join(h.config.cniCacheDir, 'results', `${network}-${id}-eth0`))
  await removeNetns(netnsPathFor(h.config.runroot, id))
  h.store.write(() => {
    for (const table of ['container_networks', 'container_volumes', 'container_deps']) h.store.db.prepare(`DELETE FROM ${table} WHERE container_id = ?`).run(id)
    h.store.db.prepare('DELETE FROM containers WHERE id = ?').run(id)
  })
}

// The rule entering chain from CNI-HOSTPORT-DNAT, as iptables -S prints it (for -D).
function entryArgs (chain: string): string[] {
  const line = natLines().find(l => l.startsWith('-A CNI-HOSTPORT-DNAT ') && l.endsWith(`-j ${chain}`))!
  return line.slice(3).match(/"(?:[^"\\]|\\.)*"|\S+/g)!.map(a => a.startsWith('"') ? a.slice(1, -1).replace(/\\"/g, '"') : a)
}

test('a published-port container gone behind podctl\'s back leaves CNI-DN chains: check reports orphan-port-mapping, --repair removes them, a second check is clean, a live container keeps its rules', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const net = uniqueName('pm'); const bridge = `${net}br`
  await CNIEnv.fromHost(h).create({ name: net, subnets: [randomSubnet()], interfaceName: bridge })
  const port = randomInt(20_000, 40_000)
  const ids: string[] = []
  try {
    for (const [i, name] of ['live', 'gone', 'half'].entries()) {
      const r = await cli(h, 'run', '-d', '--name', name, '--network', net, '-p', `${port + i}:8080`, 'busybox', 'sleep', '1000')
      assert.is(r.code, 0, r.stderr)
      ids.push(r.stdout.trim())
    }
    const [live, gone, half] = ids.map(id => ({ id, chain: portmapChain(net, id) })) as [{ id: string, chain: string }, { id: string, chain: string }, { id: string, chain: string }]
    for (const c of [live, gone, half]) assert.ok(natLines().includes(`-N ${c.chain}`), `portmap made ${c.chain}`)
    const liveRules = linesOf(live.chain)
    assert.is(liveRules.length, 5, liveRules.join('\n'))
    await vanish(h, net, gone.id)
    await vanish(h, net, half.id)
    // An ADD killed between portmap's chain and its entry rule: the chain alone.
    execFileSync('iptables', ['-t', 'nat', '-D', ...entryArgs(half.chain)])
    assert.is(linesOf(half.chain).filter(l => l.startsWith('-A CNI-HOSTPORT-DNAT')).length, 0)

    // The stress run's leak count sees all three (entered or not) on this network.
    const subnet = (JSON.parse(fs.readFileSync(path.join(h.config.cniConfigDir, `podctl-${net}.conflist`), 'utf8')) as { plugins: { ipam: { ranges: { subnet: string }[][] } }[] }).plugins[0]!.ipam.ranges[0]![0]!.subnet
    assert.equal((await portmapChainsOn(new Set([net]), new Set([subnet]))).sort(), [`${net}:${live.id.slice(0, 12)} ${live.chain}`, `${net}:${gone.id.slice(0, 12)} ${gone.chain}`, `${half.chain} (no entry rule)`].sort())
    const ours = (fs: Finding[]): [string, boolean][] => fs.filter(f => f.kind === 'orphan-port-mapping' && [live, gone, half].some(c => c.chain === f.object)).map(f => [f.object, f.repaired])
    const first = await check(h)
    assert.equal(ours(first).sort(), [[gone.chain, false], [half.chain, false]].sort())
    const goneFinding = first.find(f => f.object === gone.chain)!
    assert.is(goneFinding.detail, `published-port rules (DNAT to ${linesOf(gone.chain).map(l => /--to-destination (\S+)/.exec(l)?.[1]).find(Boolean)}) on network ${net} belong to container ${gone.id}, which does not exist`)
    assert.ok(first.find(f => f.object === half.chain)!.detail.includes(`on network ${net} has no entry rule`))

    const repaired = await check(h, true)
    assert.equal(ours(repaired).sort(), [[gone.chain, true], [half.chain, true]].sort())
    assert.equal([linesOf(gone.chain), linesOf(half.chain)], [[], []])
    // Clean now, but for chains of other roots that died on this host (not this test's).
    const left = (await check(h)).filter(f => f.kind !== 'orphan-nat-chain' || f.detail.includes(net))
    assert.equal(left, [])
    assert.equal(linesOf(live.chain), liveRules)
    assert.is((await cli(h, 'rm', '-f', '-t', '0', 'live')).code, 0)
    assert.equal(linesOf(live.chain), [])
  } finally {
    await cli(h, 'rm', '-fa', '-t', '0')
    for (const id of ids) await removePortmapChain(4, portmapChain(net, id)).catch(() => {})
    await CNIEnv.fromHost(h).remove(net).catch(() => {})
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }) } catch {}
  }
}))

test('dual stack: a gone container\'s CNI-DN chain in iptables and in ip6tables are both found and removed, each in its own family', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const net = uniqueName('pd'); const bridge = `${net}br`
  let id = ''
  try {
    assert.is((await cli(h, 'network', 'create', '--ipv6', '--subnet', randomSubnet(), '--interface-name', bridge, net)).code, 0)
    const r = await cli(h, 'run', '-d', '--name', 'web', '--network', net, '-p', `${randomInt(20_000, 40_000)}:8080`, 'busybox', 'sleep', '1000')
    assert.is(r.code, 0, r.stderr)
    id = r.stdout.trim()
    const chain = portmapChain(net, id)
    const v6Lines = (): string[] => execFileSync('ip6tables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n').filter(l => l.includes(chain))
    assert.ok(natLines().includes(`-N ${chain}`) && v6Lines().includes(`-N ${chain}`), 'portmap made the chain in both families')
    await vanish(h, net, id)
    const found = (await check(h)).filter(f => f.object === chain)
    assert.equal(found.map(f => [f.kind, /DNAT to \[/.test(f.detail)]).sort(), [['orphan-port-mapping', false], ['orphan-port-mapping', true]])
    assert.equal((await check(h, true)).filter(f => f.object === chain).map(f => f.repaired), [true, true])
    assert.equal([linesOf(chain), v6Lines()], [[], []])
    assert.equal((await check(h)).filter(f => f.kind !== 'orphan-nat-chain' || f.detail.includes(net)), [])
  } finally {
    await cli(h, 'rm', '-fa', '-t', '0')
    if (id !== '') for (const family of [4, 6] as const) await removePortmapChain(family, portmapChain(net, id)).catch(() => {})
    await cli(h, 'network', 'rm', '-f', net)
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }) } catch {}
  }
}))

test('rm SIGKILLed inside portmap\'s DEL (entry rule deleted, chain not yet): system check --repair finishes the removal and the chain goes', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const net = uniqueName('pk'); const bridge = `${net}br`
  await CNIEnv.fromHost(h).create({ name: net, subnets: [randomSubnet()], interfaceName: bridge })
  let id = ''
  try {
    const r = await cli(h, 'run', '-d', '--name', 'web', '--network', net, '-p', `${randomInt(20_000, 40_000)}:8080`, 'busybox', 'sleep', '1000')
    assert.is(r.code, 0, r.stderr)
    id = r.stdout.trim()
    const chain = portmapChain(net, id)
    // A portmap whose DEL does its first step (the entry rule) and then kills podctl.
    const line = natLines().find(l => l.startsWith('-A CNI-HOSTPORT-DNAT ') && l.endsWith(`-j ${chain}`))!
    const pdir = makeLoggingPluginDir(path.join(h.dir, 'killer'), path.join(h.dir, 'plugins.log'), {
      portmap: `if [ "$CNI_COMMAND" = DEL ]; then iptables-restore --noflush <<'EOF'\n*nat\n-D ${line.slice(3)}\nCOMMIT\nEOF\nkill -9 $PPID; exit 1; fi\nexec /usr/lib/cni/portmap`,
    })
    const rm = await runPodctl([...hostArgs(h), '--cni-plugin-dir', pdir, 'rm', '-f', '-t', '0', 'web'])
    assert.ok(rm.signal === 'SIGKILL' || rm.code === 137, JSON.stringify(rm))
    assert.equal(linesOf(chain).filter(l => l.startsWith('-A CNI-HOSTPORT-DNAT')), [])
    assert.ok(natLines().includes(`-N ${chain}`), 'the chain outlived the kill')
    const found = await check(h)
    assert.equal(found.filter(f => f.object === id || f.object === chain).map(f => f.kind), ['stuck-removal'])
    const repaired = await check(h, true)
    assert.equal(repaired.filter(f => f.object === id || f.object === chain).map(f => [f.kind, f.repaired]), [['stuck-removal', true]])
    assert.equal(linesOf(chain), [])
    assert.equal((await check(h)).filter(f => f.kind !== 'orphan-nat-chain' || f.detail.includes(net)), [])
    assert.is(listContainers(h.store).length, 0)
  } finally {
    await cli(h, 'rm', '-fa', '-t', '0')
    if (id !== '') await removePortmapChain(4, portmapChain(net, id)).catch(() => {})
    await CNIEnv.fromHost(h).remove(net).catch(() => {})
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }) } catch {}
  }
}))

test.run()
