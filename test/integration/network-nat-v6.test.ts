import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/index.js'
import { formatCidr, parseCidr } from '../../src/network/cidr.js'
import { natChainName } from '../../src/network/network-nat.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess } from '../helpers/cli.js'
import { randomSubnet, uniqueName } from '../helpers/cni.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// IPv6 networks get their per-network NAT chain through ip6tables (nf_tables), on the real
// bridge plugin. Each test looks at its own networks' chains only (iptables is host-wide).
const test = suite('per-network masquerade, IPv6')

const cli = (h: TestHost, ...args: string[]) => runInProcess([...hostArgs(h), ...args])
const nat = (cmd: 'iptables' | 'ip6tables'): string[] => execFileSync(cmd, ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n')
const linesOf = (cmd: 'iptables' | 'ip6tables', chain: string): string[] => nat(cmd).filter(l => l.includes(chain))
// A random unique-local /64 away from the host's fd00::/64.
const randomV6 = (): string => `fd${randomBytes(1).toString('hex')}:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}:1::/64`
const fileOf = (h: TestHost, net: string): string => path.join(h.config.cniConfigDir, `podctl-${net}.conflist`)
const subnetsIn = (h: TestHost, net: string): string[] =>
  (JSON.parse(fs.readFileSync(fileOf(h, net), 'utf8')) as { plugins: { ipam: { ranges: { subnet: string }[][] } }[] }).plugins[0]!.ipam.ranges.map(r => r[0]!.subnet)
const check = async (h: TestHost, repair = false): Promise<Finding[]> => {
  const r = await cli(h, 'system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json')
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
}
// The chain's rules as ip6tables prints them (addresses compressed: fdab:cd:ef:1::/64).
const v6Rules = (chain: string, subnet: string, file: string, net: string): string[] => [
  `-N ${chain}`,
  `-A POSTROUTING -s ${subnet} -m comment --comment "podctl network ${net} file ${file}" -j ${chain}`,
  `-A ${chain} -d ${subnet} -j ACCEPT`,
  `-A ${chain} ! -d ff00::/8 -j MASQUERADE`,
]
const compress = (cidr: string): string => formatCidr(parseCidr(cidr)!)

function deleteJump (cmd: 'iptables' | 'ip6tables', chain: string): void {
  const line = nat(cmd).find(l => l.startsWith('-A POSTROUTING ') && l.endsWith(`-j ${chain}`))!
  execFileSync(`${cmd}-restore`, ['--noflush'], { input: `*nat\n-D ${line.slice(3)}\nCOMMIT\n` })
}

test('a network with an IPv6 subnet: chain and jump in ip6tables, none in iptables; a container gets its v6 address; a lost jump is reported, healed at ADD; a chain whose conflist is gone is an orphan; network rm removes it', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const net = uniqueName('v6'); const gone = uniqueName('v6g')
  const subnet = randomV6()
  try {
    assert.is((await cli(h, 'network', 'create', '--subnet', subnet, '--interface-name', `${net}br`, net)).code, 0)
    const file = fileOf(h, net)
    const chain = natChainName(file, net)
    const s = compress(subnet)
    assert.equal(linesOf('ip6tables', chain).sort(), v6Rules(chain, s, file, net).sort())
    assert.equal(linesOf('iptables', chain), [])

    const r = await cli(h, 'run', '-d', '--name', 'c1', '--network', net, 'busybox', 'sleep', '1000')
    assert.is(r.code, 0, r.stderr)
    const inspect = (JSON.parse((await cli(h, 'inspect', 'c1')).stdout) as { NetworkSettings: { Networks: Record<string, { GlobalIPv6Address: string, GlobalIPv6PrefixLen: number }> } }[])[0]!
    const entry = inspect.NetworkSettings.Networks[net]!
    assert.ok(entry.GlobalIPv6Address.startsWith(s.replace(/::\/64$/, ':')), JSON.stringify(entry))
    assert.is(entry.GlobalIPv6PrefixLen, 64)

    // A firewall flush of the jump: check reports it for the network with a container,
    // the next ADD puts it back.
    deleteJump('ip6tables', chain)
    const mine = (fs: Finding[]): [string, string, boolean][] => fs.filter(f => f.detail.includes(net) || f.detail.includes(gone)).map(f => [f.kind, f.object, f.repaired])
    assert.equal(mine(await check(h)), [['missing-nat-rule', net, false]])
    assert.is((await cli(h, 'run', '-d', '--name', 'c2', '--network', net, 'busybox', 'sleep', '1000')).code, 0)
    assert.equal(linesOf('ip6tables', chain).sort(), v6Rules(chain, s, file, net).sort())
    assert.equal(mine(await check(h)), [])

    // A v6 network whose conflist went behind podctl's back: its ip6tables chain is an orphan.
    assert.is((await cli(h, 'network', 'create', '--subnet', randomV6(), '--interface-name', `${gone}br`, gone)).code, 0)
    const goneChain = natChainName(fileOf(h, gone), gone)
    assert.is(linesOf('ip6tables', goneChain).length, 4)
    fs.rmSync(fileOf(h, gone))
    assert.equal(mine(await check(h)), [['orphan-nat-chain', goneChain, false]])
    assert.equal(mine(await check(h, true)), [['orphan-nat-chain', goneChain, true]])
    assert.equal(linesOf('ip6tables', goneChain), [])
    assert.equal(mine(await check(h)), [])

    assert.is((await cli(h, 'rm', '-fa', '-t', '0')).code, 0)
    assert.is((await cli(h, 'network', 'rm', net)).code, 0)
    assert.equal(linesOf('ip6tables', chain), [])
  } finally {
    await cli(h, 'rm', '-fa', '-t', '0')
    for (const n of [net, gone]) {
      await cli(h, 'network', 'rm', '-f', n)
      try { execFileSync('ip', ['link', 'del', `${n}br`], { stdio: 'ignore' }) } catch {}
    }
  }
}))

test('--ipv6 is dual stack as in Podman: a v4 and a random fd00::/8 /64 without --subnet, a v6 added to a v4 --subnet; chains in both iptables and ip6tables, both gone at network rm', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const dual = uniqueName('ds'); const added = uniqueName('da')
  const v4 = randomSubnet()
  try {
    assert.is((await cli(h, 'network', 'create', '--ipv6', '--interface-name', `${dual}br`, dual)).code, 0)
    const [a4, a6, ...rest] = subnetsIn(h, dual)
    assert.equal(rest, [])
    assert.match(a4!, /^10\.89\.\d+\.0\/24$/)
    assert.match(a6!, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/)
    assert.is((await cli(h, 'network', 'create', '--ipv6', '--subnet', v4, '--interface-name', `${added}br`, added)).code, 0)
    const [b4, b6] = subnetsIn(h, added)
    assert.equal([b4, /^fd[0-9a-f:]+::\/64$/.test(b6!)], [v4, true])
    const inspected = JSON.parse((await cli(h, 'network', 'inspect', added)).stdout) as { ipv6_enabled: boolean }[]
    assert.is(inspected[0]!.ipv6_enabled, true)

    const chain = natChainName(fileOf(h, dual), dual)
    assert.is(linesOf('iptables', chain).filter(l => l.startsWith('-A POSTROUTING ')).length, 1)
    assert.is(linesOf('ip6tables', chain).filter(l => l.startsWith('-A POSTROUTING ')).length, 1)
    const r = await cli(h, 'run', '-d', '--name', 'c', '--network', dual, 'busybox', 'sleep', '1000')
    assert.is(r.code, 0, r.stderr)
    const entry = (JSON.parse((await cli(h, 'inspect', 'c')).stdout) as { NetworkSettings: { Networks: Record<string, { IPAddress: string, GlobalIPv6Address: string }> } }[])[0]!.NetworkSettings.Networks[dual]!
    assert.ok(entry.IPAddress.startsWith(a4!.replace(/0\/24$/, '')), JSON.stringify(entry))
    assert.ok(entry.GlobalIPv6Address.startsWith(a6!.replace(/::\/64$/, ':')), JSON.stringify(entry))

    assert.is((await cli(h, 'rm', '-f', '-t', '0', 'c')).code, 0)
    for (const n of [dual, added]) {
      const c = natChainName(fileOf(h, n), n)
      assert.is((await cli(h, 'network', 'rm', n)).code, 0)
      assert.equal([linesOf('iptables', c), linesOf('ip6tables', c)], [[], []])
    }
  } finally {
    await cli(h, 'rm', '-fa', '-t', '0')
    for (const n of [dual, added]) {
      await cli(h, 'network', 'rm', '-f', n)
      try { execFileSync('ip', ['link', 'del', `${n}br`], { stdio: 'ignore' }) } catch {}
    }
  }
}))

test.run()
