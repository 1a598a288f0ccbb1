import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { isErrorCode } from '../../src/errors.js'
import { networkLockPath } from '../../src/network/container-lock.js'
import { CNIEnv } from '../../src/network/index.js'
import type { CniSandbox } from '../helpers/cni.js'
import {
  addressesInNetns, bridgePorts, cacheEntries, createLegacyMasqNetwork, ip, ipamAllocations, linkExists, linksInNetns, makeLoggingPluginDir,
  natRulesFor, netnsFiles, portmapChainsOn, randomSubnet, readLog, uniqueName, withCniSandbox,
} from '../helpers/cni.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('network-attach')

function envWithPlugins (s: CniSandbox, pluginDir: string, extra: Partial<ConstructorParameters<typeof CNIEnv>[0]> = {}): CNIEnv {
  return new CNIEnv({ config: { ...s.paths, cniPluginDirs: [pluginDir] }, log: s.log, ...extra })
}

function assertNothingLeft (s: CniSandbox, networks: string[], bridges: string[]): void {
  for (const n of networks) assert.equal(ipamAllocations(s.paths, n), [], `no IPAM entries for ${n}`)
  for (const n of networks) assert.equal(natRulesFor(n), [], `no masquerade rules for ${n}`)
  assert.equal(netnsFiles(s.paths), [], 'no netns files')
  assert.equal(cacheEntries(s.paths), [], 'no cache entries')
  for (const b of bridges) assert.equal(bridgePorts(b), [], `no ports on ${b}`)
}

test('attach configures eth0 in a new netns; detach frees the address and removes everything', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const bridge = s.link()
    const net = s.net()
    await env.create({ name: net, subnets: [randomSubnet()], interfaceName: bridge })
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: net }])
    assert.is(res.netnsPath, path.join(s.paths.runroot, 'netns', cid))
    assert.is(res.networks.length, 1)
    const [att] = res.networks
    assert.is(att!.ifname, 'eth0')
    assert.equal(addressesInNetns(res.netnsPath, 'eth0'), att!.ips)
    const ipOnly = att!.ips[0]!.split('/')[0]!
    assert.equal(ipamAllocations(s.paths, net), [ipOnly])
    assert.match(fs.readFileSync(path.join(s.paths.cniCacheDir, 'networks', net, ipOnly), 'utf8'), new RegExp(`^${cid}\\s+eth0`))
    assert.is(bridgePorts(bridge).length, 1)
    const cache = JSON.parse(fs.readFileSync(path.join(s.paths.cniCacheDir, 'results', `${net}-${cid}-eth0`), 'utf8')) as Record<string, unknown>
    assert.equal([cache['kind'], cache['containerId'], cache['ifName'], cache['networkName']], ['cniCacheV1', cid, 'eth0', net])
    assert.is(JSON.parse(Buffer.from(cache['config'] as string, 'base64').toString()).name, net)
    await env.detach(cid)
    assertNothingLeft(s, [net], [bridge])
    await env.detach(cid)
    assert.equal(netnsFiles(s.paths), [], 'second detach is a no-op')
  })
})

test('two networks: eth0 and eth1 in order; a static IP goes only to the network that asked', async () => {
  await withCniSandbox(async s => {
    const log = path.join(s.dir, 'plugins.log')
    const env = envWithPlugins(s, makeLoggingPluginDir(s.dir, log))
    const [b1, b2] = [s.link(), s.link()]
    const [n1, n2] = [s.net('na'), s.net('nb')]
    await env.create({ name: n1, subnets: [randomSubnet()], interfaceName: b1 })
    const sub2 = randomSubnet()
    await env.create({ name: n2, subnets: [sub2], interfaceName: b2 })
    const staticIp = sub2.replace(/0\/24$/, '77')
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: n1 }, { name: n2, staticIp }])
    assert.equal(res.networks.map(n => [n.network, n.ifname]), [[n1, 'eth0'], [n2, 'eth1']])
    assert.equal(addressesInNetns(res.netnsPath, 'eth1'), [`${staticIp}/24`])
    assert.is.not(addressesInNetns(res.netnsPath, 'eth0')[0], `${staticIp}/24`)
    fs.writeFileSync(log, '')
    await env.detach(cid)
    // No published ports: portmap, a no-op then, is not run at all.
    assert.equal(readLog(log).filter(l => !l.startsWith('DEL host-local')), [`DEL bridge eth1 ${cid}`, `DEL bridge eth0 ${cid}`])
    assertNothingLeft(s, [n1, n2], [b1, b2])
  })
})

test('a failing ADD is reported with the plugin\'s error and everything done so far is undone', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const [b1, b2] = [s.link(), s.link()]
    const [n1, n2] = [s.net('na'), s.net('nb')]
    await env.create({ name: n1, subnets: [randomSubnet()], interfaceName: b1 })
    const sub2 = randomSubnet()
    await env.create({ name: n2, subnets: [sub2], ipRanges: [sub2.replace(/0\/24$/, '128/25')], interfaceName: b2 })
    const outside = sub2.replace(/0\/24$/, '5')
    const err = await env.attach(uniqueName('c'), [{ name: n1 }, { name: n2, staticIp: outside }]).catch((e: unknown) => e)
    assert.ok(isErrorCode(err, 'NETWORK_FAILED'), String(err))
    assert.match((err as Error).message, new RegExp(`^plugin bridge failed \\(code \\d+\\): .*${outside.replace(/\./g, '\\.')}`))
    assertNothingLeft(s, [n1, n2], [b1, b2])
  })
})

test('a plugin that hangs is killed at the timeout and nothing leaks', async () => {
  await withCniSandbox(async s => {
    const log = path.join(s.dir, 'plugins.log')
    const pdir = makeLoggingPluginDir(s.dir, log, { ptslow: 'if [ "$CNI_COMMAND" = ADD ]; then exec sleep 600; fi\necho "{}"' })
    const env = envWithPlugins(s, pdir, { pluginTimeoutMs: 500 })
    const bridge = s.link()
    const net = s.net()
    await env.create({ name: net, subnets: [randomSubnet()], interfaceName: bridge })
    const file = path.join(s.paths.cniConfigDir, `podctl-${net}.conflist`)
    const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: { type: string }[] }
    conf.plugins.push({ type: 'ptslow' })
    fs.writeFileSync(file, JSON.stringify(conf))
    const err = await env.attach(uniqueName('c'), [{ name: net }]).catch((e: unknown) => e)
    assert.ok(isErrorCode(err, 'NETWORK_FAILED'), String(err))
    assert.match((err as Error).message, /^plugin ptslow ADD timed out after 500 ms$/)
    assertNothingLeft(s, [net], [bridge])
  })
})

test('detach tolerates a vanished netns and a missing cache entry, and still frees the address', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const bridge = s.link()
    const net = s.net()
    await createLegacyMasqNetwork(env, { name: net, subnets: [randomSubnet()], interfaceName: bridge })
    const c1 = uniqueName('c'); const c2 = uniqueName('c')
    const r1 = await env.attach(c1, [{ name: net }])
    await env.attach(c2, [{ name: net }])
    assert.is(natRulesFor(net).length, 6, 'a masquerade rule and a two-rule chain per container')
    // c1: someone removed the netns behind our back.
    const { execFileSync } = await import('node:child_process')
    execFileSync('umount', [r1.netnsPath]); fs.rmSync(r1.netnsPath)
    await env.detach(c1)
    // c2: the cache entry is gone; podctl's record still names the network.
    fs.rmSync(path.join(s.paths.cniCacheDir, 'results', `${net}-${c2}-eth0`))
    await env.detach(c2, [{ name: net, ifname: 'eth0' }])
    assertNothingLeft(s, [net], [bridge])
  })
})

test('a macvlan and a bridge network with confusable names are each torn down by their own plugin', async () => {
  await withCniSandbox(async s => {
    const log = path.join(s.dir, 'plugins.log')
    const env = envWithPlugins(s, makeLoggingPluginDir(s.dir, log))
    // The kernel here has no dummy driver: a veth pair's end serves as the parent.
    const parent = s.link('pd')
    ip(['link', 'add', parent, 'type', 'veth', 'peer', 'name', s.link('pp')])
    ip(['link', 'set', parent, 'up'])
    const bridge = s.link()
    const base = s.net('foo')
    const mv = base; const br = s.net('', `${base}-`); const br2 = s.net('', `podctl-${base}`)
    await env.create({ name: mv, driver: 'macvlan', options: { parent }, subnets: [randomSubnet()] })
    await env.create({ name: br, subnets: [randomSubnet()], interfaceName: bridge })
    const bridge2 = s.link()
    await env.create({ name: br2, subnets: [randomSubnet()], interfaceName: bridge2 })
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: mv }, { name: br }, { name: br2 }])
    assert.equal(linksInNetns(res.netnsPath), ['eth0', 'eth1', 'eth2', 'lo'])
    // The macvlan network's config vanishes and a bridge network takes its name.
    fs.rmSync(path.join(s.paths.cniConfigDir, `podctl-${mv}.conflist`))
    const bridge3 = s.link()
    await env.create({ name: mv, subnets: [randomSubnet()], interfaceName: bridge3 })
    fs.writeFileSync(log, '')
    await env.detach(cid, [{ name: mv }])
    assert.equal(readLog(log), [`DEL macvlan eth0 ${cid}`, `DEL host-local eth0 ${cid}`])
    assert.equal(linksInNetns(res.netnsPath), ['eth1', 'eth2', 'lo'])
    assert.is(bridgePorts(bridge).length, 1, 'the bridge network was not touched')
    assert.is(bridgePorts(bridge2).length, 1)
    assert.ok(linkExists(parent))
    fs.writeFileSync(log, '')
    await env.detach(cid)
    const dels = readLog(log).filter(l => !l.startsWith('DEL host-local'))
    assert.equal(dels, [`DEL bridge eth2 ${cid}`, `DEL bridge eth1 ${cid}`])
    assert.not.ok(linkExists(bridge3), 'the impostor bridge was never created')
    assertNothingLeft(s, [mv, br, br2], [bridge, bridge2])
  })
})

test('networks defined by other tools (.conflist at 0.4.0, single-plugin .conf at 0.3.1) attach and detach', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const [b1, b2] = [s.link(), s.link()]
    const [n1, n2] = [s.net('fa'), s.net('fb')]
    const dataDir = path.join(s.paths.cniCacheDir, 'networks')
    fs.mkdirSync(s.paths.cniConfigDir, { recursive: true })
    const f1 = path.join(s.paths.cniConfigDir, '10-a.conflist')
    const f2 = path.join(s.paths.cniConfigDir, '20-b.conf')
    fs.writeFileSync(f1, JSON.stringify({ cniVersion: '0.4.0', name: n1, plugins: [{ type: 'bridge', bridge: b1, isGateway: true, ipMasq: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: randomSubnet() }]] } }, { type: 'portmap', capabilities: { portMappings: true } }] }))
    fs.writeFileSync(f2, JSON.stringify({ cniVersion: '0.3.1', name: n2, type: 'bridge', bridge: b2, ipam: { type: 'host-local', dataDir, subnet: randomSubnet() } }))
    const before = [fs.readFileSync(f1, 'utf8'), fs.readFileSync(f2, 'utf8')]
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: n1 }, { name: n2 }])
    assert.equal(res.networks.map(n => n.ips.length), [1, 1])
    assert.equal(addressesInNetns(res.netnsPath, 'eth1'), res.networks[1]!.ips)
    await env.detach(cid)
    assertNothingLeft(s, [n1, n2], [b1, b2])
    assert.equal([fs.readFileSync(f1, 'utf8'), fs.readFileSync(f2, 'utf8')], before)
  })
})

// Another process holding the container's network lock (util-linux flock) until its stdin
// closes; resolves once the lock is held. removeFirst: it unlinks the file before letting go.
async function holdNetworkLock (file: string, removeFirst = false): Promise<{ release: () => Promise<void> }> {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const script = removeFirst ? `read _; rm -f '${file}'` : 'read _'
  const child = spawn('flock', ['-x', file, 'sh', '-c', script], { stdio: ['pipe', 'ignore', 'inherit'] })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  await waitFor(() => fs.existsSync(file) && spawnSync('flock', ['-n', file, 'true']).status === 1, `flock holding ${file}`)
  return { release: async () => { child.stdin.end('\n'); await exited } }
}

async function settlesWithin<T> (p: Promise<T>, ms: number): Promise<boolean> {
  return await Promise.race([p.then(() => true, () => true), sleep(ms).then(() => false)])
}

test('a full detach removes the netns before DEL (plugins get no CNI_NETNS) and returns once the host veth is gone; a partial one keeps the netns for DEL', async () => {
  await withCniSandbox(async s => {
    const log = path.join(s.dir, 'plugins.log')
    const bridgeLogging = `echo "$CNI_COMMAND bridge $CNI_IFNAME netns=[$CNI_NETNS]" >> '${log}'\nexec /usr/lib/cni/bridge`
    const env = envWithPlugins(s, makeLoggingPluginDir(s.dir, path.join(s.dir, 'other.log'), { bridge: bridgeLogging }))
    const [b1, b2] = [s.link(), s.link()]
    const [n1, n2] = [s.net('pa'), s.net('pb')]
    await env.create({ name: n1, subnets: [randomSubnet()], interfaceName: b1 })
    await env.create({ name: n2, subnets: [randomSubnet()], interfaceName: b2 })
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: n1 }, { name: n2 }])
    const veths = [...bridgePorts(b1), ...bridgePorts(b2)]
    assert.is(veths.length, 2)
    fs.writeFileSync(log, '')
    await env.detach(cid, [{ name: n2 }])
    assert.equal(readLog(log), [`DEL bridge eth1 netns=[${res.netnsPath}]`], 'a partial detach gives DEL the netns')
    assert.equal(netnsFiles(s.paths), [cid], 'the netns stays for eth0')
    assert.equal(bridgePorts(b2), [])
    fs.writeFileSync(log, '')
    await env.detach(cid)
    assert.equal(readLog(log), ['DEL bridge eth0 netns=[]'], 'a full detach runs DEL without a netns')
    for (const v of veths) assert.not.ok(linkExists(v), `host veth ${v} gone when detach returns`)
    assertNothingLeft(s, [n1, n2], [b1, b2])
  })
})

test('the network lock file lives as long as the netns; ADD and DEL of one container wait for another process holding it', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net()
    await env.create({ name: net, subnets: [randomSubnet()], interfaceName: s.link() })
    const cid = uniqueName('c')
    const lockFile = networkLockPath(s.paths.runroot, cid)
    const ports = [{ hostIp: '', hostPort: 30000 + Math.floor(Math.random() * 20000), containerPort: 80, protocol: 'tcp' as const }]
    const holder = await holdNetworkLock(lockFile)
    const attach = env.attach(cid, [{ name: net, portMappings: ports }])
    assert.is(await settlesWithin(attach, 500), false, 'ADD waits while another process holds the lock')
    assert.equal(netnsFiles(s.paths), [], 'no netns made while waiting')
    await holder.release()
    await attach
    assert.ok(fs.existsSync(lockFile), 'lock file kept while the netns exists')
    assert.is((await portmapChainsOn(new Set([net]), new Set())).length, 1, 'one CNI-DN chain')
    const holder2 = await holdNetworkLock(lockFile, true)
    const detach = env.detach(cid)
    assert.is(await settlesWithin(detach, 500), false, 'DEL waits while another process holds the lock')
    assert.is(netnsFiles(s.paths).length, 1, 'netns untouched while waiting')
    // The holder unlinks the file as it lets go: the waiter must lock a fresh one.
    await holder2.release()
    await detach
    assertNothingLeft(s, [net], [])
    assert.equal(await portmapChainsOn(new Set([net]), new Set()), [], 'no CNI-DN chain left')
    assert.not.ok(fs.existsSync(lockFile), 'lock file gone with the netns')
  })
})

test.run()
