import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { DNSNAME_DIR } from '../../src/network/dns-server.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('name resolution on user-defined networks (real CNI dnsname + dnsmasq)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])

// dnsmasq processes serving this network's dnsname config.
function dnsmasqFor (network: string): number[] {
  return fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).flatMap(p => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8')
      const state = /^State:\s*(\S)/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]
      return cmd.includes(`${DNSNAME_DIR}/${network}/dnsmasq.conf`) && state !== 'Z' ? [Number(p)] : []
    } catch {
      return []
    }
  })
}

test('containers reach each other by name and alias; the default network has none; teardown stops the DNS server', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const net = `dns${process.pid}`
  const bridge = `pdns${process.pid % 100000}`
  try {
    assert.equal(await cli(h, 'network', 'create', '--interface-name', bridge, net), { code: 0, stdout: `${net}\n`, stderr: '' })
    const inspect = JSON.parse((await cli(h, 'network', 'inspect', net)).stdout) as { dns_enabled: boolean }[]
    assert.is(inspect[0]!.dns_enabled, true)
    assert.is((await cli(h, 'run', '-d', '--name', 'alpha', '--network', net, '--network-alias', 'db', 'busybox', 'sleep', '100')).code, 0)
    assert.is((await cli(h, 'run', '-d', '--name', 'gamma', '--network', `${net}:alias=cache`, 'busybox', 'sleep', '100')).code, 0)
    assert.equal(dnsmasqFor(net).length, 1)
    const hosts = fs.readFileSync(`${DNSNAME_DIR}/${net}/addnhosts`, 'utf8')
    assert.match(hosts, /\talpha\tdb\n/)
    assert.match(hosts, /\tgamma\tcache\n/)
    const look = await cli(h, 'run', '--rm', '--network', net, 'busybox', 'sh', '-c',
      'for n in alpha db gamma cache; do nslookup $n | grep -A1 "^Name:" | tail -1; done; cat /proc/sys/net/ipv4/ping_group_range; grep -c dns.podman /etc/resolv.conf')
    assert.is(look.code, 0, look.stderr)
    const [a, d, g, c, ping, search] = look.stdout.trim().split('\n')
    assert.match(a!, /^Address: 10\./)
    assert.is(d, a)
    assert.match(g!, /^Address: 10\./)
    assert.is(c, g)
    assert.not.equal(a, g)
    // Podman's default sysctl: unprivileged ICMP sockets for every group.
    assert.equal([ping, search], ['0\t0', '1'])
    const dflt = await cli(h, 'run', '--rm', 'busybox', 'sh', '-c', 'grep -c dns.podman /etc/resolv.conf; nslookup alpha >/dev/null 2>&1 || echo no-name')
    assert.equal(dflt.stdout, '0\nno-name\n')
    assert.is((await cli(h, 'rm', '-f', '-t', '0', 'alpha')).code, 0)
    assert.not.match(fs.readFileSync(`${DNSNAME_DIR}/${net}/addnhosts`, 'utf8'), /alpha/)
    assert.is((await cli(h, 'rm', '-f', '-t', '0', 'gamma')).code, 0)
    assert.equal(dnsmasqFor(net), [])
    assert.not.ok(fs.existsSync(`${DNSNAME_DIR}/${net}`))
    assert.equal(await cli(h, 'network', 'rm', net), { code: 0, stdout: `${net}\n`, stderr: '' })
  } finally {
    await cli(h, 'network', 'rm', '-f', net)
    for (const pid of dnsmasqFor(net)) try { process.kill(pid, 'SIGKILL') } catch {}
    fs.rmSync(`${DNSNAME_DIR}/${net}`, { recursive: true, force: true })
  }
}))

test.run()
