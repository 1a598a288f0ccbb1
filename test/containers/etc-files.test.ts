import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { EtcInput } from '../../src/containers/etc-files.js'
import { hostsFile, resolvConf } from '../../src/containers/etc-files.js'
import { capabilitySet, parseAddHost, parseTmpfs, parseUlimit, readEnvFile } from '../../src/containers/process-options.js'

const test = suite('etc files and process options')

const base = (over: Partial<EtcInput> = {}): EtcInput => ({
  hostname: 'abc123', name: 'web', ips: [], hostNetwork: false, addHosts: [], dns: [], dnsSearch: [], dnsOptions: [], networkDns: [],
  hostResolvConf: 'nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch corp.test\noptions edns0\n', ...over,
})

test('hosts: localhost, --add-host, the container\'s own address with hostname and name', () => {
  assert.is(hostsFile(base({ ips: ['10.89.0.5'], addHosts: [{ host: 'db', ip: '10.1.1.1' }] })),
    '127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n10.1.1.1\tdb\n10.89.0.5\tabc123 web\n')
  assert.match(hostsFile(base()), /127\.0\.1\.1\tabc123 web\n$/)
  assert.is(hostsFile(base({ hostNetwork: true, hostHosts: '127.0.0.1 localhost\n' })), '127.0.0.1 localhost\n')
})

test('resolv.conf: host servers minus loopback; --dns replaces; a DNS network puts its gateway and domain first', () => {
  assert.is(resolvConf(base()), 'search corp.test\nnameserver 192.0.2.1\noptions edns0\n')
  assert.is(resolvConf(base({ dns: ['192.0.2.53'], dnsSearch: ['x.test'], dnsOptions: ['ndots:2'] })), 'search x.test\nnameserver 192.0.2.53\noptions ndots:2\n')
  assert.is(resolvConf(base({ networkDns: [{ server: '10.89.0.1', domain: 'dns.podman' }] })), 'search dns.podman corp.test\nnameserver 10.89.0.1\noptions edns0\n')
  assert.is(resolvConf(base({ hostResolvConf: 'nameserver 127.0.0.1\n' })), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n')
})

test('capability sets: defaults, drop, add, ALL, privileged within what podctl holds', () => {
  const none = { capAdd: [], capDrop: [], privileged: false }
  assert.ok(capabilitySet(none).includes('CAP_CHOWN'))
  assert.not.ok(capabilitySet({ ...none, capDrop: ['CAP_CHOWN'] }).includes('CAP_CHOWN'))
  assert.ok(capabilitySet({ ...none, capAdd: ['CAP_NET_ADMIN'] }).includes('CAP_NET_ADMIN'))
  assert.equal(capabilitySet({ ...none, capDrop: ['ALL'] }), [])
  assert.equal(capabilitySet({ ...none, privileged: true }, ['CAP_CHOWN', 'CAP_SYS_ADMIN']), ['CAP_CHOWN', 'CAP_SYS_ADMIN'])
})

test('parsers: ulimit, tmpfs, add-host, env-file', () => {
  assert.equal(parseUlimit('nofile=1024:2048'), { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 })
  assert.equal(parseUlimit('nproc=5'), { type: 'RLIMIT_NPROC', soft: 5, hard: 5 })
  assert.throws(() => parseUlimit('nofile=abc'), /invalid ulimit argument/)
  assert.equal(parseTmpfs('/run/x:size=64k,mode=1777'), { destination: '/run/x', options: ['size=64k', 'mode=1777', 'noexec', 'nosuid', 'nodev'] })
  assert.throws(() => parseTmpfs('/t:bogus'), /unknown tmpfs option "bogus"/)
  assert.throws(() => parseTmpfs('/a/../b'), /"\.\." is not allowed/)
  assert.equal(parseAddHost('v6:[::1]'), { host: 'v6', ip: '::1' })
  const file = path.join(os.tmpdir(), `podctl-envfile-${process.pid}`)
  try {
    fs.writeFileSync(file, 'A=1\n# c\n\n  FROM_HOST\nUNSET_ONE\nC=x=y\r\n')
    assert.equal(readEnvFile(file, { FROM_HOST: 'h' }), ['A=1', 'FROM_HOST=h', 'C=x=y'])
    fs.writeFileSync(file, 'OK=1\nB C=x\n')
    assert.throws(() => readEnvFile(file, {}), (e: Error) => e.message === `${file}:2: invalid environment variable "B C=x"`)
  } finally {
    fs.rmSync(file, { force: true })
  }
})

test.run()
