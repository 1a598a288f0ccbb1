import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { CNIEnv } from '../../src/network/index.js'
import { listContainers } from '../../src/state/container-rows.js'
import { listPods } from '../../src/state/pod-rows.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runInProcess } from '../helpers/cli.js'
import { randomSubnet, uniqueName } from '../helpers/cni.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// -p/--publish through the real portmap plugin (runtimeConfig.portMappings), on real iptables.
const test = suite('published ports')

const cli = (h: TestHost, ...args: string[]) => runInProcess([...hostArgs(h), ...args])
const natLines = (): string[] => execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n')
const freePort = (): number => randomInt(20_000, 40_000)

// Connects to host:port and returns what the server sent before closing ('' on refusal).
function readFrom (host: string, port: number): Promise<string> {
  return new Promise(resolve => {
    let got = ''
    const s = net.connect({ host, port, timeout: 3000 })
    s.on('data', d => { got += String(d) })
    s.on('end', () => resolve(got))
    s.on('error', () => resolve(''))
    s.on('timeout', () => { s.destroy(); resolve(got) })
  })
}

test('a TCP connect from the host reaches nc -l in the container; ps, inspect show the ports; rm leaves no portmap rule', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const netName = uniqueName('pp'); const bridge = `${netName}br`
  await CNIEnv.fromHost(h).create({ name: netName, subnets: [randomSubnet()], interfaceName: bridge })
  const port = freePort()
  try {
    const r = await cli(h, 'run', '-d', '--name', 'web', '--network', netName, '-p', `${port}:8080`, '--publish', `127.0.0.1:${port + 1}:8081/udp`,
      'busybox', 'sh', '-c', 'while true; do echo hello-from-container | nc -l -p 8080; done')
    assert.is(r.code, 0, r.stderr)
    const id = r.stdout.trim()
    const hostIp = JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }))[0].addr_info[0].local as string
    let got = ''
    // nc starts a moment after run returns: a bounded wait for the first answer.
    for (let i = 0; i < 50 && got === ''; i++) {
      got = await readFrom(hostIp, port)
      if (got === '') await sleep(100)
    }
    assert.is(got, 'hello-from-container\n')
    assert.ok(natLines().some(l => l.startsWith('-N CNI-DN-')), 'portmap made its DNAT chain')
    assert.ok(natLines().some(l => l.includes(`id: \\"${id}\\"`)), 'rules name the container')

    const ps = await cli(h, 'ps', '--format', '{{.Names}} {{.Ports}}')
    assert.is(ps.stdout, `web 0.0.0.0:${port}->8080/tcp, 127.0.0.1:${port + 1}->8081/udp\n`)
    const json = JSON.parse((await cli(h, 'ps', '--format', 'json')).stdout) as { Ports: unknown }[]
    assert.equal(json[0]!.Ports, [
      { host_ip: '', container_port: 8080, host_port: port, range: 1, protocol: 'tcp' },
      { host_ip: '127.0.0.1', container_port: 8081, host_port: port + 1, range: 1, protocol: 'udp' },
    ])
    const inspect = (JSON.parse((await cli(h, 'inspect', 'web')).stdout) as Record<string, Record<string, unknown>>[])[0]!
    const bindings = { '8080/tcp': [{ HostIp: '', HostPort: String(port) }], '8081/udp': [{ HostIp: '127.0.0.1', HostPort: String(port + 1) }] }
    assert.equal(inspect['NetworkSettings']!['Ports'], bindings)
    assert.equal(inspect['HostConfig']!['PortBindings'], bindings)
    const entry = (inspect['NetworkSettings']!['Networks'] as Record<string, Record<string, unknown>>)[netName]!
    const inNetns = execFileSync('nsenter', [`--net=${String(inspect['NetworkSettings']!['SandboxKey'])}`, 'ip', '-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' })
    const addr = (JSON.parse(inNetns) as { addr_info: { family: string, local: string, prefixlen: number }[], address: string }[])[0]!
    const v4 = addr.addr_info.find(a => a.family === 'inet')!
    assert.equal([entry['IPAddress'], entry['IPPrefixLen'], entry['MacAddress'], entry['NetworkID']], [v4.local, v4.prefixlen, addr.address, netName])

    // Another container wanting the same host port: refused, nothing made.
    const before = listContainers(h.store).length
    const clash = await cli(h, 'run', '-d', '--name', 'web2', '--network', netName, '-p', `${port}:9090`, 'busybox', 'sleep', '1000')
    assert.equal([clash.code, clash.stdout], [125, ''])
    assert.is(clash.stderr, `Error: host port ${port}/tcp is already published by container web (${id}): address already in use\n`)
    assert.is(listContainers(h.store).length, before)
    // A pod's ports live on its infra container; a clashing pod is not made at all.
    const pods = listPods(h.store).length
    const podClash = await cli(h, 'pod', 'create', '--name', 'pp', '--network', netName, '-p', `${port}:80`)
    assert.is(podClash.code, 125, podClash.stderr)
    assert.equal([listPods(h.store).length, listContainers(h.store).length], [pods, before])
    const pod = await cli(h, 'pod', 'create', '--name', 'pp', '--network', netName, '-p', `${port + 2}:80`)
    assert.is(pod.code, 0, pod.stderr)
    const member = await cli(h, 'create', '--pod', 'pp', '-p', `${port + 3}:80`, 'busybox', 'true')
    assert.equal([member.code, member.stderr], [125, 'Error: invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod\n'])

    // Teardown without the CNI cache entry: the ports recorded with the container suffice.
    fs.rmSync(`${h.config.cniCacheDir}/results/${netName}-${id}-eth0`)
    assert.is((await cli(h, 'rm', '-f', '-t', '0', 'web')).code, 0)
    assert.equal(natLines().filter(l => l.includes(id)), [], 'no CNI-HOSTPORT/CNI-DN rule of the container left')
    assert.is(await readFrom(hostIp, port), '')
    assert.is((await cli(h, 'pod', 'rm', '-f', '-t', '0', 'pp')).code, 0)
  } finally {
    await cli(h, 'pod', 'rm', '-fa', '-t', '0')
    await cli(h, 'rm', '-fa', '-t', '0')
    await CNIEnv.fromHost(h).remove(netName).catch(() => {})
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }) } catch {}
  }
}))

test('a host port a host process listens on is refused with Podman\'s words; bad -p values are refused before anything is made', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const srv = net.createServer()
  const port = await new Promise<number>(resolve => srv.listen(0, '0.0.0.0', () => resolve((srv.address() as net.AddressInfo).port)))
  try {
    const r = await cli(h, 'create', '-p', `${port}:80`, 'busybox', 'true')
    assert.equal([r.code, r.stderr], [125, `Error: cannot listen on the TCP port: listen tcp4 :${port}: bind: address already in use\n`])
    for (const [arg, msg] of [
      ['80', 'invalid -p/--publish "80": must be [ip:]hostPort:containerPort[/tcp|udp]'],
      ['8080:80/sctp', 'invalid -p/--publish "8080:80/sctp": protocol "sctp" must be tcp or udp'],
      ['70000:80', 'invalid -p/--publish "70000:80": host port "70000" must be a number from 1 to 65535'],
      ['1.2.3:8080:80', 'invalid -p/--publish "1.2.3:8080:80": "1.2.3" is not an IP address'],
    ] as const) {
      const bad = await cli(h, 'create', '-p', arg, 'busybox', 'true')
      assert.equal([bad.code, bad.stderr], [125, `Error: ${msg}\n`])
    }
    const twice = await cli(h, 'create', '-p', '8080:80', '-p', '8080:81', 'busybox', 'true')
    assert.equal([twice.code, twice.stderr], [125, 'Error: invalid -p/--publish "8080:81": host port 8080/tcp is published twice\n'])
    assert.is(listContainers(h.store).length, 0)
    assert.equal(fs.readdirSync(h.config.root).includes('storage') ? fs.readdirSync(`${h.config.root}/storage`).filter(d => d === 'containers').flatMap(() => fs.readdirSync(`${h.config.root}/storage/containers`)) : [], [])
  } finally {
    srv.close()
  }
}))

test.run()
