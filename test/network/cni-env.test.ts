import fs from 'node:fs'
import path from 'node:path'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { isErrorCode } from '../../src/errors.js'
import { cidrsOverlap, formatCidr, parseCidr, requireCidr } from '../../src/network/cidr.js'
import { readHostRoutes, readHostSubnets } from '../../src/network/host-routes.js'
import { CNIEnv } from '../../src/network/index.js'
import { allocateSubnet } from '../../src/network/subnet.js'
import { insertContainer } from '../../src/state/container-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { runInProcess } from '../helpers/cli.js'
import type { CniSandbox } from '../helpers/cni.js'
import { withCniSandbox } from '../helpers/cni.js'
import { containerFixture } from '../helpers/fixtures.js'

const test = suite('cni-env')

// Runs the CLI in-process against the sandbox's dirs.
async function cli (s: CniSandbox, args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const saved = { ...process.env }
  Object.assign(process.env, s.env)
  try {
    return await runInProcess(args)
  } finally {
    for (const k of Object.keys(s.env)) {
      if (saved[k] === undefined) Reflect.deleteProperty(process.env, k)
      else process.env[k] = saved[k]
    }
  }
}

function readJson (file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
}

function foreign (s: CniSandbox, file: string, name: string, subnet: string): string {
  const p = path.join(s.paths.cniConfigDir, file)
  fs.mkdirSync(s.paths.cniConfigDir, { recursive: true })
  fs.writeFileSync(p, JSON.stringify({ cniVersion: '0.4.0', name, plugins: [{ type: 'bridge', bridge: 'cni-other0', ipam: { type: 'host-local', ranges: [[{ subnet }]] } }] }))
  return p
}

test('the default network exists on first use', async () => {
  await withCniSandbox(async s => {
    const nets = await s.cniEnv().list()
    assert.equal(nets.map(n => n.name), ['podctl'])
    const conf = readJson(path.join(s.paths.cniConfigDir, 'podctl-podctl.conflist'))
    const main = (conf['plugins'] as Record<string, unknown>[])[0]!
    assert.is(main['bridge'], 'podctl0')
    const ranges = (main['ipam'] as Record<string, unknown>)['ranges'] as { subnet: string, gateway: string }[][]
    // Podman's 10.88.0.0/16 unless something on the host (Podman's own cni-podman0 or
    // podman0, another interface) holds it; then a /16 nothing on the host holds.
    // The shared podctl0 already up (another root's default network): the subnet it holds.
    const all = await readHostSubnets()
    const host = all.filter(h => h.dev !== 'podctl0')
    const taken = (cidr: string): boolean => host.some(h => cidrsOverlap(h.cidr, requireCidr(cidr)))
    const onBridge = all.find(h => h.dev === 'podctl0' && h.cidr.family === 4 && h.cidr.prefix === 16)
    if (onBridge !== undefined) assert.equal(ranges[0]?.[0]?.subnet, formatCidr(onBridge.cidr))
    else if (!taken('10.88.0.0/16')) assert.equal(ranges, [[{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }]])
    else {
      const subnet = ranges[0]?.[0]?.subnet ?? ''
      assert.match(subnet, /^10\.\d+\.0\.0\/16$/)
      assert.not.ok(taken(subnet), `${subnet} is held on the host`)
      assert.equal(ranges, [[{ subnet, gateway: subnet.replace(/0\/16$/, '1') }]])
    }
    assert.equal(fs.readdirSync(s.paths.cniConfigDir).sort(), ['.nerdctl.lock', 'podctl-podctl.conflist'])
  })
})

test('create writes a CNI 1.0.0 bridge conflist with host-local IPAM under the cache dir', async () => {
  await withCniSandbox(async s => {
    const r = await cli(s, ['network', 'create', '--subnet', '10.150.3.0/24', '--ip-range', '10.150.3.128/25', '--label', 'app=web', '--interface-name', 'ptbr0', 'web'])
    assert.equal(r, { code: 0, stdout: 'web\n', stderr: '' })
    const conf = readJson(path.join(s.paths.cniConfigDir, 'podctl-web.conflist'))
    assert.equal(conf, {
      cniVersion: '1.0.0',
      name: 'web',
      args: { podctl: { labels: { app: 'web' }, created: (conf['args'] as { podctl: { created: string } }).podctl.created, internal: false, nat: 'podctl' } },
      plugins: [
        {
          type: 'bridge', bridge: 'ptbr0', isGateway: true, ipMasq: false, hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.150.3.0/24', gateway: '10.150.3.1', rangeStart: '10.150.3.128', rangeEnd: '10.150.3.254' }]], dataDir: path.join(s.paths.cniCacheDir, 'networks'), routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        // The dnsname plugin and dnsmasq are installed by scripts/install-deps.sh.
        { type: 'dnsname', domainName: 'dns.podman', capabilities: { aliases: true } },
      ],
    })
    const inspect = JSON.parse((await cli(s, ['network', 'inspect', 'web'])).stdout) as Record<string, unknown>[]
    assert.is(inspect[0]!['dns_enabled'], true)
    assert.is((await cli(s, ['network', 'create', '--disable-dns', '--interface-name', 'ptbr1', 'nodns'])).code, 0)
    assert.equal((readJson(path.join(s.paths.cniConfigDir, 'podctl-nodns.conflist'))['plugins'] as { type: string }[]).map(p => p.type), ['bridge', 'portmap'])
    assert.equal(inspect[0]!['subnets'], [{ subnet: '10.150.3.0/24', gateway: '10.150.3.1', lease_range: { start_ip: '10.150.3.128', end_ip: '10.150.3.254' } }])
    assert.is(inspect[0]!['id'], '' + (await s.cniEnv().inspect('web')).id)
    assert.is((inspect[0]!['id'] as string).length, 64)
    assert.equal(fs.readdirSync(s.paths.cniConfigDir).filter(f => f.includes('tmp')), [], 'no temp files left')
  })
})

test('automatic subnets avoid every network in the dir, including other tools\' files', async () => {
  await withCniSandbox(async s => {
    foreign(s, '10-other.conflist', 'other', '10.89.0.0/24')
    fs.writeFileSync(path.join(s.paths.cniConfigDir, '11-old.conf'), JSON.stringify({ cniVersion: '0.3.1', name: 'old', type: 'bridge', ipam: { type: 'host-local', subnet: '10.89.1.0/24' } }))
    const env = s.cniEnv()
    const a = await env.create({ name: 'a' })
    const b = await env.create({ name: 'b' })
    const used = ['10.88.0.0/16', '10.89.0.0/24', '10.89.1.0/24'].map(x => parseCidr(x)!)
    const wantA = allocateSubnet([...used, ...readHostRoutes()])
    const wantB = allocateSubnet([...used, wantA, ...readHostRoutes()])
    assert.is(a.subnets[0]!.subnet, formatCidr(wantA))
    assert.is(b.subnets[0]!.subnet, formatCidr(wantB))
    assert.is.not(a.network_interface, b.network_interface)
  })
})

test('bad input is refused with Podman\'s words before anything is written', async () => {
  await withCniSandbox(async s => {
    await cli(s, ['network', 'create', '--subnet', '10.151.0.0/24', 'web'])
    const before = fs.readdirSync(s.paths.cniConfigDir).sort()
    const table: [string[], number, string][] = [
      [['web'], 125, 'Error: network name web already used: network already exists\n'],
      [['--subnet', '10.151.0.0/25', 'x'], 125, `Error: subnet 10.151.0.0/25 is already used on the host or by another config: it overlaps 10.151.0.0/24 of network web (${path.join(s.paths.cniConfigDir, 'podctl-web.conflist')})\n`],
      [['--subnet', '10.152.0.1/24', 'x'], 125, 'Error: invalid subnet "10.152.0.1/24": host bits are set, did you mean 10.152.0.0/24?\n'],
      [['--subnet', '10.152.0.0/24', '--gateway', '10.153.0.1', 'x'], 125, 'Error: gateway 10.153.0.1 not in subnet 10.152.0.0/24\n'],
      [['--gateway', '10.153.0.1', 'x'], 125, 'Error: cannot set more gateways than subnets\n'],
      [['bad/name'], 125, 'Error: "bad/name": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n'],
      [['-d', 'macvlan', 'x'], 125, 'Error: macvlan networks need a parent interface: -o parent=<interface>\n'],
      [['-d', 'macvlan', '-o', 'parent=nosuchif0', 'x'], 125, 'Error: parent interface nosuchif0 does not exist\n'],
      [['-d', 'overlay', 'x'], 125, 'Error: unsupported driver overlay: must be one of bridge, macvlan, ipvlan\n'],
      [['--interface-name', 'lo', 'x'], 125, 'Error: interface lo exists and is not a bridge\n'],
      [['--interface-name', 'waytoolongbridgename', 'x'], 125, 'Error: invalid interface name "waytoolongbridgename": must be 1-15 characters of [a-zA-Z0-9_.-]\n'],
    ]
    for (const [args, code, stderr] of table) {
      assert.equal(await cli(s, ['network', 'create', ...args]), { code, stdout: '', stderr }, args.join(' '))
    }
    assert.equal(fs.readdirSync(s.paths.cniConfigDir).sort(), before)
  })
})

test('ls: table, -q, json and filters', async () => {
  await withCniSandbox(async s => {
    await cli(s, ['network', 'create', '--label', 'tier=front', 'web'])
    await cli(s, ['network', 'create', '-d', 'macvlan', '-o', 'parent=lo', 'lan'])
    const table = (await cli(s, ['network', 'ls'])).stdout.split('\n')
    assert.match(table[0]!, /^NETWORK ID\s+NAME\s+DRIVER$/)
    assert.match(table[1]!, /^[0-9a-f]{12}\s+lan\s+macvlan$/)
    assert.equal((await cli(s, ['network', 'ls', '-q'])).stdout, 'lan\npodctl\nweb\n')
    assert.equal((await cli(s, ['network', 'ls', '-q', '--filter', 'driver=bridge'])).stdout, 'podctl\nweb\n')
    assert.equal((await cli(s, ['network', 'ls', '-q', '--filter', 'label=tier=front'])).stdout, 'web\n')
    assert.equal((await cli(s, ['network', 'ls', '-q', '--filter', 'name=^l'])).stdout, 'lan\n')
    const json = JSON.parse((await cli(s, ['network', 'ls', '--format', 'json'])).stdout) as { name: string, driver: string, network_interface: string }[]
    assert.equal(json.map(n => [n.name, n.driver, n.network_interface]), [['lan', 'macvlan', 'lo'], ['podctl', 'bridge', 'podctl0'], ['web', 'bridge', json[2]!.network_interface]])
    assert.is((await cli(s, ['network', 'ls', '--filter', 'bogus=1'])).code, 125)
  })
})

test('a hand-broken conflist is reported by name and survives ls, create, rm and prune', async () => {
  await withCniSandbox(async s => {
    fs.mkdirSync(s.paths.cniConfigDir, { recursive: true })
    const broken = path.join(s.paths.cniConfigDir, '50-broken.conflist')
    const text = '{"cniVersion": "1.0.0", "name": "broken", "plugins": [{"type": "bridge",'
    fs.writeFileSync(broken, text)
    await cli(s, ['network', 'ls'])
    const runs = [
      await cli(s, ['network', 'ls', '-q']),
      await cli(s, ['network', 'create', 'web']),
      await cli(s, ['network', 'rm', 'web']),
      await cli(s, ['network', 'prune']),
      await cli(s, ['network', 'inspect', 'broken']),
    ]
    assert.equal(runs.map(r => r.code), [0, 0, 0, 0, 1])
    // Exactly one warning per command: each walks the dir once.
    for (const r of runs.slice(0, 4)) {
      assert.match(r.stderr, `level=warning msg="skipping CNI config file ${broken}: invalid JSON`)
      assert.is(r.stderr.split('skipping CNI config file').length - 1, 1, r.stderr)
    }
    assert.is(runs[0]!.stdout, 'podctl\n')
    assert.is(fs.readFileSync(broken, 'utf8'), text)
  })
})

test('networks of other tools are listed and usable but never changed', async () => {
  await withCniSandbox(async s => {
    const file = foreign(s, '10-other.conflist', 'other', '10.154.0.0/24')
    const before = fs.readFileSync(file, 'utf8')
    assert.is((await cli(s, ['network', 'ls', '-q'])).stdout, 'other\npodctl\n')
    const r = await cli(s, ['network', 'rm', 'other'])
    assert.is(r.code, 125)
    assert.match(r.stderr, `Error: network other is defined in ${file}, which podctl does not manage`)
    assert.is((await cli(s, ['network', 'prune'])).stdout, '')
    assert.is((await cli(s, ['network', 'rm', 'podctl'])).stderr, 'Error: default network podctl cannot be removed\n')
    assert.is((await cli(s, ['network', 'rm', 'nope'])).code, 1)
    assert.is(fs.readFileSync(file, 'utf8'), before)
  })
})

test('rm refuses a network in use (exit 2, users listed); force removes the users first', async () => {
  await withCniSandbox(async s => {
    const env = s.cniEnv()
    await env.create({ name: 'busy' })
    const cacheDir = path.join(s.paths.cniCacheDir, 'results')
    fs.mkdirSync(cacheDir, { recursive: true })
    const cached = path.join(cacheDir, 'busy-c1-eth0')
    fs.writeFileSync(cached, JSON.stringify({ kind: 'cniCacheV1', containerId: 'c1', config: '', ifName: 'eth0', networkName: 'busy', result: {} }))
    const r = await cli(s, ['network', 'rm', 'busy'])
    assert.equal(r, { code: 2, stdout: '', stderr: 'Error: "busy" has associated containers with it (c1). Use -f to forcibly delete containers and pods: network is being used\n' })
    const err = await env.remove('busy', { force: true }).catch((e: unknown) => e)
    assert.ok(isErrorCode(err, 'IN_USE'), 'force without a remover refuses')
    const removed: string[][] = []
    assert.is(await env.remove('busy', { force: true, removeUsers: async ids => { removed.push(ids); fs.rmSync(cached) } }), 'busy')
    assert.equal(removed, [['c1']])
    assert.not.ok(fs.existsSync(path.join(s.paths.cniConfigDir, 'podctl-busy.conflist')))
  })
})

test('users also come from the state store; prune keeps used, default and foreign networks', async () => {
  await withCniSandbox(async s => {
    const store = StateStore.open(path.join(s.dir, 'root'))
    try {
      const env = new CNIEnv({ config: s.paths, log: s.log, store })
      for (const n of ['a', 'b', 'c']) await env.create({ name: n, labels: n === 'c' ? { keep: '1' } : {} })
      foreign(s, '10-other.conflist', 'other', '10.155.0.0/24')
      const c = containerFixture()
      store.write(() => {
        insertContainer(store, c)
        store.db.prepare('INSERT INTO container_networks (container_id, network, ifname) VALUES (?, ?, ?)').run(c.id, 'a', 'eth0')
      })
      assert.equal(await env.users('a'), [c.id])
      assert.ok(isErrorCode(await env.remove('a').catch((e: unknown) => e), 'IN_USE'))
      assert.equal(await env.prune(n => n.labels['keep'] === '1'), ['b'])
      assert.equal((await env.list()).map(n => n.name), ['other', 'a', 'c', 'podctl'])
    } finally {
      store.close()
    }
  })
})

test.run()
