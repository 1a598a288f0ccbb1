import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/index.js'
import { CNIEnv } from '../../src/network/index.js'
import { natChainName } from '../../src/network/network-nat.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess, runPodctl } from '../helpers/cli.js'
import { createLegacyMasqNetwork, ipamAllocations, makeLoggingPluginDir, natRulesFor, natStateFor, netnsFiles, randomSubnet, uniqueName, withCniSandbox } from '../helpers/cni.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// podctl's per-network NAT (src/network/network-nat.ts) on the real iptables (nf_tables)
// and the real bridge plugin. Each test counts only its own network's rules.
const test = suite('per-network masquerade owned by podctl')

const natTable = (): string[] => execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n')
const cniChains = (): string[] => natTable().filter(l => /^-N CNI-/.test(l))

test('network create installs one chain and one commented jump; ADD and DEL touch no iptables state; network rm removes both, twice is fine', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net('nat')
    const subnet = randomSubnet()
    await env.create({ name: net, subnets: [subnet], interfaceName: s.link() })
    const file = path.join(s.paths.cniConfigDir, `podctl-${net}.conflist`)
    const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: Record<string, unknown>[] }
    assert.is(conf.plugins[0]!['ipMasq'], false)
    const chain = natChainName(file, net)
    assert.equal(natStateFor(net), { chains: [chain], jumps: [`-A POSTROUTING -s ${subnet} -m comment --comment "podctl network ${net} file ${file}" -j ${chain}`] })
    assert.equal(natTable().filter(l => l.startsWith(`-A ${chain} `)), [`-A ${chain} -d ${subnet} -j ACCEPT`, `-A ${chain} ! -d 224.0.0.0/4 -j MASQUERADE`])
    const before = natTable()
    const cid = uniqueName('c')
    await env.attach(cid, [{ name: net }])
    assert.equal(natTable(), before, 'ADD changed the nat table')
    assert.equal(natRulesFor(net), [])
    await env.detach(cid)
    assert.equal(natTable(), before, 'DEL changed the nat table')
    await env.remove(net)
    assert.equal(natStateFor(net), { chains: [], jumps: [] })
    assert.not.ok(natTable().some(l => l.includes(chain)))
  })
})

test('a flushed firewall heals at the next ADD (jump gone, chain emptied)', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net('nat')
    const subnet = randomSubnet()
    await env.create({ name: net, subnets: [subnet], interfaceName: s.link() })
    const good = natTable().filter(l => l.includes(natChainName(path.join(s.paths.cniConfigDir, `podctl-${net}.conflist`), net)))
    const [jump] = natStateFor(net).jumps
    execFileSync('iptables', ['-t', 'nat', '-D', ...jump!.slice(3).match(/"[^"]*"|\S+/g)!.map(a => a.replace(/^"|"$/g, ''))])
    execFileSync('iptables', ['-t', 'nat', '-F', natStateFor(net).chains[0] ?? good[0]!.slice(3)])
    assert.is(natStateFor(net).jumps.length, 0)
    const cid = uniqueName('c')
    await env.attach(cid, [{ name: net }])
    assert.equal(natTable().filter(l => good.includes(l)).sort(), [...good].sort())
    await env.detach(cid)
  })
})

test('flipping ipMasq in the file under live containers: teardown follows the config cached at ADD, no CNI- chain leaks either way', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const legacy = s.net('old')
    await createLegacyMasqNetwork(env, { name: legacy, subnets: [randomSubnet()], interfaceName: s.link() })
    const c1 = uniqueName('c'); const c2 = uniqueName('c')
    await env.attach(c1, [{ name: legacy }])
    await env.attach(c2, [{ name: legacy }])
    assert.is(natRulesFor(legacy).length, 6)
    // The file now says podctl owns NAT, as a newer podctl would write it.
    const file = path.join(s.paths.cniConfigDir, `podctl-${legacy}.conflist`)
    const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: Record<string, unknown>[], args: { podctl: Record<string, unknown> } }
    conf.plugins[0]!['ipMasq'] = false
    conf.args.podctl['nat'] = 'podctl'
    fs.writeFileSync(file, JSON.stringify(conf))
    await env.detach(c1)
    await env.detach(c2)
    assert.equal(natRulesFor(legacy), [])
    assert.equal(cniChains().filter(l => l.includes('CNI-') && natTable().join('\n').includes(legacy)), [])

    // And the other way: attached without ipMasq, the file flipped to ipMasq true.
    const fresh = s.net('new')
    await env.create({ name: fresh, subnets: [randomSubnet()], interfaceName: s.link() })
    const c3 = uniqueName('c')
    await env.attach(c3, [{ name: fresh }])
    const f2 = path.join(s.paths.cniConfigDir, `podctl-${fresh}.conflist`)
    const conf2 = JSON.parse(fs.readFileSync(f2, 'utf8')) as { plugins: Record<string, unknown>[] }
    conf2.plugins[0]!['ipMasq'] = true
    fs.writeFileSync(f2, JSON.stringify(conf2))
    await env.detach(c3)
    assert.equal(natRulesFor(fresh), [])
  })
})

test('a lost CNI cache entry: the teardown looks for a per-container chain whatever the file says now', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net('old')
    await createLegacyMasqNetwork(env, { name: net, subnets: [randomSubnet()], interfaceName: s.link() })
    const cid = uniqueName('c')
    await env.attach(cid, [{ name: net }])
    const file = path.join(s.paths.cniConfigDir, `podctl-${net}.conflist`)
    const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: Record<string, unknown>[] }
    conf.plugins[0]!['ipMasq'] = false
    fs.writeFileSync(file, JSON.stringify(conf))
    fs.rmSync(path.join(s.paths.cniCacheDir, 'results', `${net}-${cid}-eth0`))
    await env.detach(cid, [{ name: net, ifname: 'eth0' }])
    assert.equal(natRulesFor(net), [])
  })
})

const check = async (h: TestHost, repair = false): Promise<Finding[]> => {
  const r = await runInProcess([...hostArgs(h), 'system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json'])
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
}

test('system check: a chain whose conflist is gone is an orphan (--repair removes it); another root\'s live chain is not; a network with containers and no jump gets it back', () => withTestHost(h => withCniSandbox(async other => {
  const cni = CNIEnv.fromHost(h)
  const gone = uniqueName('ng')
  await cni.create({ name: gone, subnets: [randomSubnet()], interfaceName: `${gone}br` })
  const goneFile = path.join(h.config.cniConfigDir, `podctl-${gone}.conflist`)
  fs.rmSync(goneFile)
  const otherNet = other.net('live')
  await other.cniEnv().create({ name: otherNet, subnets: [randomSubnet()], interfaceName: other.link() })
  const used = uniqueName('nu')
  await cni.create({ name: used, subnets: [randomSubnet()], interfaceName: `${used}br` })
  try {
    await importBusyboxImage(h)
    const r = await runInProcess([...hostArgs(h), 'run', '-d', '--network', used, 'busybox', 'sleep', '1000'])
    assert.is(r.code, 0, r.stderr)
    const usedChain = natChainName(path.join(h.config.cniConfigDir, `podctl-${used}.conflist`), used)
    execFileSync('iptables', ['-t', 'nat', '-D', 'POSTROUTING', ...natStateFor(used).jumps[0]!.slice('-A POSTROUTING '.length).match(/"[^"]*"|\S+/g)!.map(a => a.replace(/^"|"$/g, ''))])
    const mine = (fs: Finding[]): [string, string, boolean][] => fs.filter(f => f.detail.includes(gone) || f.detail.includes(used) || f.detail.includes(otherNet)).map(f => [f.kind, f.object, f.repaired])
    const goneChain = natChainName(goneFile, gone)
    assert.equal(mine(await check(h)), [['orphan-nat-chain', goneChain, false], ['missing-nat-rule', used, false]])
    assert.equal(mine(await check(h, true)), [['orphan-nat-chain', goneChain, true], ['missing-nat-rule', used, true]])
    assert.equal(mine(await check(h)), [])
    assert.equal(natStateFor(gone), { chains: [], jumps: [] })
    assert.is(natStateFor(used).jumps.length, 1)
    assert.equal(natStateFor(used).chains, [usedChain])
    assert.is(natStateFor(otherNet).jumps.length, 1)
  } finally {
    await runInProcess([...hostArgs(h), 'rm', '-fa', '-t', '0'])
    await cni.remove(used).catch(() => {})
    for (const b of [`${gone}br`, `${used}br`]) { try { execFileSync('ip', ['link', 'del', b], { stdio: 'ignore' }) } catch {} }
  }
})))

// A PATH dir whose iptables-restore (and, via the plugin dir, bridge) SIGKILLs the calling
// podctl, before or after doing its work: a crash at that exact point.
function killerDir (dir: string, when: 'before' | 'after'): string {
  const bin = path.join(dir, `kill-${when}-${randomBytes(2).toString('hex')}`)
  fs.mkdirSync(bin)
  const body = when === 'before' ? 'kill -9 $PPID; exit 1' : '/usr/sbin/iptables-restore "$@"; rc=$?; kill -9 $PPID; exit $rc'
  fs.writeFileSync(path.join(bin, 'iptables-restore'), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  return bin
}

test('SIGKILL in network create, network rm, ADD and DEL: system check --repair finishes, nothing is left once the network goes', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...extra })
  const podctl = (args: string[], e?: NodeJS.ProcessEnv) => runPodctl([...hostArgs(h), ...args], { env: e ?? {} })
  // Killed: by the signal, or 137 from the launcher script whose node child was killed.
  const killed = (r: { code: number, signal?: NodeJS.Signals }): boolean => r.signal === 'SIGKILL' || r.code === 137
  const pathWith = (bin: string): Record<string, string> => ({ PATH: `${bin}:${process.env['PATH'] ?? ''}` })
  const nets: string[] = []
  const cleanCheck = async (): Promise<void> => {
    await check(h, true)
    // Chains of other roots that died on this host are theirs, not this test's.
    const left = (await check(h)).filter(f => f.kind !== 'orphan-nat-chain' || nets.some(n => f.detail.includes(n)))
    assert.equal(left, [])
  }
  try {
    for (const when of ['before', 'after'] as const) {
      // network create killed at its NAT install: either no chain yet or chain and file.
      const net = uniqueName('kc'); nets.push(net)
      const r = await podctl(['network', 'create', '--disable-dns', '--subnet', randomSubnet(), '--interface-name', `${net}br`, net], env(pathWith(killerDir(h.dir, when))))
      assert.ok(killed(r), JSON.stringify(r))
      await cleanCheck()
      // First use installs what is missing; the container works.
      const run = await podctl(['run', '-d', '--name', `${net}c`, '--network', net, 'busybox', 'sleep', '1000'])
      assert.is(run.code, 0, run.stderr)
      assert.is(natStateFor(net).jumps.length, 1)
      // ADD killed inside the bridge plugin.
      const log = path.join(h.dir, `${net}.log`)
      const pdir = makeLoggingPluginDir(path.join(h.dir, `${net}-add`), log, {})
      const work = when === 'after' ? '/usr/lib/cni/bridge > /dev/null; ' : ''
      fs.writeFileSync(path.join(pdir, 'bridge'), `#!/bin/sh\nif [ "$CNI_COMMAND" = ADD ]; then ${work}kill -9 $PPID; exit 1; fi\nexec /usr/lib/cni/bridge\n`, { mode: 0o755 })
      const add = await podctl(['--cni-plugin-dir', pdir, 'run', '-d', '--name', `${net}k`, '--network', net, 'busybox', 'sleep', '1000'])
      assert.ok(killed(add), JSON.stringify(add))
      await cleanCheck()
      // DEL killed inside the bridge plugin, then the same rm again.
      fs.writeFileSync(path.join(pdir, 'bridge'), `#!/bin/sh\nif [ "$CNI_COMMAND" = DEL ]; then ${work}kill -9 $PPID; exit 1; fi\nexec /usr/lib/cni/bridge\n`, { mode: 0o755 })
      const del = await podctl(['--cni-plugin-dir', pdir, 'rm', '-f', '-t', '0', `${net}c`])
      assert.ok(killed(del), JSON.stringify(del))
      await cleanCheck()
      assert.is((await podctl(['rm', '-fa', '-t', '0'])).code, 0)
      // network rm killed at its NAT removal, then rm again.
      const rm = await podctl(['network', 'rm', net], env(pathWith(killerDir(h.dir, when))))
      assert.ok(killed(rm), JSON.stringify(rm))
      await cleanCheck()
      const again = await podctl(['network', 'rm', net])
      assert.ok(again.code === 0 || /network not found/.test(again.stderr), again.stderr)
      await cleanCheck()
      assert.equal(natStateFor(net), { chains: [], jumps: [] })
      assert.equal(natRulesFor(net), [])
      assert.equal(ipamAllocations(h.config, net), [])
      assert.equal(netnsFiles(h.config), [])
    }
  } finally {
    await podctl(['rm', '-fa', '-t', '0'])
    for (const n of nets) {
      await podctl(['network', 'rm', '-f', n])
      try { execFileSync('ip', ['link', 'del', `${n}br`], { stdio: 'ignore' }) } catch {}
    }
  }
}))

test.run()
