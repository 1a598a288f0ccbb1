import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import type { Finding } from '../../src/check/index.js'
import { isErrorCode } from '../../src/errors.js'
import { CNIEnv } from '../../src/network/index.js'
import { masqueradeChain } from '../../src/network/masq-cleanup.js'
import { runInProcess } from '../helpers/cli.js'
import { createLegacyMasqNetwork, makeLoggingPluginDir, natRulesFor, randomSubnet, uniqueName, withCniSandbox } from '../helpers/cni.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'

// The bridge plugin's ipMasq state of one container: a POSTROUTING rule plus a chain of two
// rules, all carrying `name: "<net>"`. Each test uses its own network name and counts only
// that name's rules, so other CNI users of this host do not matter.
const test = suite('masquerade rules and chains never outlive an attachment')

const chainExists = (chain: string): boolean => execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n').includes(`-N ${chain}`)

test('DEL that finds the link already gone (an earlier DEL died before its iptables part) removes rule and chain', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net('mq')
    await createLegacyMasqNetwork(env, { name: net, subnets: [randomSubnet()], interfaceName: s.link() })
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: net }])
    assert.is(natRulesFor(net).length, 3)
    execFileSync('nsenter', [`--net=${res.netnsPath}`, 'ip', 'link', 'del', 'eth0'], { timeout: 10_000 })
    await env.detach(cid)
    assert.equal(natRulesFor(net), [])
    assert.not.ok(chainExists(masqueradeChain(net, cid)))
    await env.detach(cid)
    assert.equal(natRulesFor(net), [])
  })
})

test('cache entry and netns both gone (left by a DEL that failed): detach by the recorded network removes rule and chain', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    const net = s.net('mq')
    await createLegacyMasqNetwork(env, { name: net, subnets: [randomSubnet()], interfaceName: s.link() })
    const cid = uniqueName('c')
    const res = await env.attach(cid, [{ name: net }])
    execFileSync('umount', [res.netnsPath], { timeout: 10_000 })
    fs.rmSync(res.netnsPath)
    fs.rmSync(path.join(s.paths.cniCacheDir, 'results', `${net}-${cid}-eth0`))
    await env.detach(cid, [{ name: net, ifname: 'eth0' }])
    assert.equal(natRulesFor(net), [])
    assert.not.ok(chainExists(masqueradeChain(net, cid)))
  })
})

test('an ADD that fails after the bridge set up masquerading (its link deleted by a racing DEL) leaves no rule or chain', async () => {
  await withCniSandbox(async s => {
    const log = path.join(s.dir, 'plugins.log')
    // Deletes the container's link, as a DEL racing this ADD would, then fails the ADD.
    const pdir = makeLoggingPluginDir(s.dir, log, {
      ptrace: 'if [ "$CNI_COMMAND" = ADD ]; then nsenter --net="$CNI_NETNS" ip link del "$CNI_IFNAME"; echo \'{"cniVersion":"1.0.0","code":11,"msg":"link gone"}\'; exit 1; fi',
    })
    const env = new CNIEnv({ config: { ...s.paths, cniPluginDirs: [pdir] }, log: s.log })
    const net = s.net('mq')
    await createLegacyMasqNetwork(env, { name: net, subnets: [randomSubnet()], interfaceName: s.link() })
    const file = path.join(s.paths.cniConfigDir, `podctl-${net}.conflist`)
    const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: { type: string }[] }
    conf.plugins.push({ type: 'ptrace' })
    fs.writeFileSync(file, JSON.stringify(conf))
    const cid = uniqueName('c')
    const err = await env.attach(cid, [{ name: net }]).catch((e: unknown) => e)
    assert.ok(isErrorCode(err, 'NETWORK_FAILED'), String(err))
    assert.match((err as Error).message, /link gone/)
    assert.equal(natRulesFor(net), [])
    assert.not.ok(chainExists(masqueradeChain(net, cid)))
  })
})

test('system check reports a masquerade chain whose container is gone; --repair removes it; another root\'s live attachment is left alone', () => withTestHost(h => withCniSandbox(async other => {
  const net = other.net('mq')
  const bridge = `${net}br`
  const cni = CNIEnv.fromHost(h)
  // Findings about this test's network only: leaks of other roots on the host are theirs.
  const mine = async (...args: string[]): Promise<Finding[]> => {
    const r = await runInProcess([...hostArgs(h), 'system', 'check', ...args, '--format', 'json'])
    assert.is(r.stderr, '')
    return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(f => f.detail.includes(` network ${net} `))
  }
  try {
    await createLegacyMasqNetwork(cni, { name: net, subnets: [randomSubnet()], interfaceName: bridge })
    // Another podctl root with a network of the same name (as every root has "podctl").
    const otherEnv = other.cniEnv()
    await createLegacyMasqNetwork(otherEnv, { name: net, subnets: [randomSubnet()], interfaceName: other.link() })
    const gone = randomBytes(32).toString('hex')
    const live = randomBytes(32).toString('hex')
    const res = await cni.attach(gone, [{ name: net }])
    const ip = res.networks[0]!.ips[0]!.split('/')[0]!
    await otherEnv.attach(live, [{ name: net }])
    // What the leak looks like: IP released, cache entry and netns gone, rule and chain left.
    execFileSync('umount', [res.netnsPath], { timeout: 10_000 })
    fs.rmSync(res.netnsPath)
    fs.rmSync(path.join(h.config.cniCacheDir, 'results', `${net}-${gone}-eth0`))
    fs.rmSync(path.join(h.config.cniCacheDir, 'networks', net, ip))
    assert.is(natRulesFor(net).length, 6)
    const chain = masqueradeChain(net, gone)
    assert.equal(await mine(), [{
      kind: 'orphan-masquerade', object: chain, repaired: false,
      detail: `masquerade rule for ${ip}/32 on network ${net} belongs to container ${gone}, which does not exist`,
    }])
    assert.equal((await mine('--repair')).map(f => [f.kind, f.object, f.repaired]), [['orphan-masquerade', chain, true]])
    assert.not.ok(chainExists(chain))
    assert.equal(natRulesFor(net).filter(l => l.includes(gone)), [])
    assert.is(natRulesFor(net).filter(l => l.includes(live)).length, 3)
    assert.equal(await mine(), [])
    await otherEnv.detach(live)
    assert.equal(natRulesFor(net), [])
  } finally {
    await cni.remove(net).catch(() => {})
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore', timeout: 10_000 }) } catch {}
  }
})))

test.run()
