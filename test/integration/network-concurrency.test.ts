import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { cidrsOverlap, formatCidr, parseCidr } from '../../src/network/cidr.js'
import { parseNetworkConfig } from '../../src/network/cni-config.js'
import { DNSNAME_DIR } from '../../src/network/dns-server.js'
import { inspectNetwork } from '../../src/network/index.js'
import { DNSNAME_LOCK_DIR } from '../../src/network/plugin-chain.js'
import type { CniPaths } from '../../src/network/index.js'
import { bridgePorts, cacheEntries, ipamAllocations, natRulesFor, netnsFiles, randomSubnet, withCniSandbox } from '../helpers/cni.js'

const test = suite('network-concurrency')
const WORKER = path.resolve(import.meta.dirname, '../helpers/network-worker.ts')
const PROCESSES = 16

// Runs one worker process; resolves with its JSON report.
function runWorker<T> (mode: string, args: { paths: CniPaths, worker: number } & Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000)
    child.on('close', code => {
      clearTimeout(timer)
      if (code !== 0) { reject(new Error(`worker ${mode} ${args.worker} exited ${code}: ${stderr}`)); return }
      try { resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T) } catch { reject(new Error(`worker ${mode} printed ${stdout} ${stderr}`)) }
    })
  })
}

test(`${PROCESSES} processes creating networks at once get distinct names, subnets and bridges`, async () => {
  await withCniSandbox(async s => {
    const started = Date.now()
    const reports = await Promise.all(Array.from({ length: PROCESSES }, (_, worker) =>
      runWorker<{ names: string[], codes: number[], stderr: string }>('create', { paths: s.paths, worker, count: 2 })))
    assert.equal(reports.flatMap(r => r.codes), Array(PROCESSES * 2).fill(0))
    assert.equal(reports.map(r => r.stderr).join(''), '')
    const names = reports.flatMap(r => r.names)
    assert.is(new Set(names).size, PROCESSES * 2, `distinct names: ${names.join(' ')}`)
    const files = fs.readdirSync(s.paths.cniConfigDir).sort()
    assert.equal(files, ['.nerdctl.lock', ...[...names, 'podctl'].map(n => `podctl-${n}.conflist`)].sort())
    const nets = files.filter(f => f.endsWith('.conflist')).map(f => parseNetworkConfig(path.join(s.paths.cniConfigDir, f), fs.readFileSync(path.join(s.paths.cniConfigDir, f), 'utf8')))
    const subnets = nets.map(n => parseCidr(inspectNetwork(n).subnets[0]!.subnet)!)
    for (const [i, a] of subnets.entries()) {
      for (const [j, b] of subnets.entries()) if (i < j) assert.not.ok(cidrsOverlap(a, b), `${nets[i]!.name} and ${nets[j]!.name} overlap`)
    }
    assert.is(new Set(nets.map(n => inspectNetwork(n).network_interface)).size, nets.length, 'distinct bridge names')
    console.log(`    ${PROCESSES} processes created ${names.length} networks with ${new Set(subnets.map(formatCidr)).size} distinct subnets in ${Date.now() - started} ms`)
  })
})

interface AttachReport { holds: { ip: string, held: [number, number] }[], errors: string[], warnings: string[] }

// dns: the network runs dnsname too (its dnsmasq started by the first ADD, stopped by the last DEL).
async function attachDetachCycles (processes: number, cycles: number, dns: boolean): Promise<void> {
  await withCniSandbox(async s => {
    const started = Date.now()
    const bridge = s.link()
    const network = s.net()
    await s.cniEnv().create({ name: network, subnets: [randomSubnet()], interfaceName: bridge, dns })
    const reports = await Promise.all(Array.from({ length: processes }, (_, worker) =>
      runWorker<AttachReport>('attach', { paths: s.paths, worker, cycles, network })))
    assert.equal(reports.flatMap(r => r.errors), [])
    assert.equal(reports.flatMap(r => r.warnings), [])
    const holds = reports.flatMap(r => r.holds)
    assert.is(holds.length, processes * cycles)
    // Each interval lies inside the real hold (after ADD returned, before DEL started),
    // so two intervals of one address overlapping would mean a double allocation.
    const byIp = new Map<string, [number, number][]>()
    for (const h of holds) byIp.set(h.ip, [...(byIp.get(h.ip) ?? []), h.held])
    let overlaps = 0
    for (const spans of byIp.values()) {
      spans.sort((a, b) => a[0] - b[0])
      for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) overlaps++
    }
    assert.is(overlaps, 0)
    assert.equal(ipamAllocations(s.paths, network), [])
    assert.equal(netnsFiles(s.paths), [])
    assert.equal(cacheEntries(s.paths), [])
    assert.equal(bridgePorts(bridge), [])
    assert.equal(natRulesFor(network), [])
    if (dns) {
      assert.not.ok(fs.existsSync(path.join(DNSNAME_DIR, network)), 'the last DEL stopped the DNS server and removed its files')
      fs.rmSync(path.join(DNSNAME_LOCK_DIR, network), { recursive: true, force: true })
    }
    console.log(`    ${processes} processes made ${holds.length} attach/detach cycles over ${byIp.size} addresses${dns ? ' (with dnsname)' : ''} in ${Date.now() - started} ms; 0 leftovers`)
  })
}

test(`${PROCESSES} processes attaching and detaching on one network leave nothing behind`, async () => {
  await attachDetachCycles(PROCESSES, 12, false)
})

// Unserialized, dnsname failed here: "Address already in use" (two dnsmasq for one network)
// and "cannot read dnsmasq.conf" (a last DEL removing the dir under an ADD).
test('8 processes attaching and detaching on one network with dnsname: no plugin error, nothing left', async () => {
  await attachDetachCycles(8, 6, true)
})

test('readers listing while writers create and remove networks never see a parse error', async () => {
  await withCniSandbox(async s => {
    const started = Date.now()
    const stopFile = path.join(s.dir, 'stop')
    await s.cniEnv().list()
    const readers = Array.from({ length: 4 }, (_, worker) =>
      runWorker<{ lists: number, bad: string[], warnings: string[] }>('read', { paths: s.paths, worker, stopFile }))
    const writers = Array.from({ length: 8 }, (_, worker) =>
      runWorker<{ created: number, removed: number, errors: string[], warnings: string[] }>('churn', { paths: s.paths, worker, cycles: 30 }))
    const w = await Promise.all(writers).finally(() => fs.writeFileSync(stopFile, ''))
    const r = await Promise.all(readers)
    assert.equal(w.flatMap(x => x.errors), [])
    assert.equal([...w, ...r].flatMap(x => x.warnings), [])
    assert.equal(r.flatMap(x => x.bad), [])
    assert.ok(r.every(x => x.lists > 0))
    assert.equal(fs.readdirSync(s.paths.cniConfigDir).sort(), ['.nerdctl.lock', 'podctl-podctl.conflist'])
    const created = w.reduce((n, x) => n + x.created, 0)
    console.log(`    8 writers created and removed ${created} networks while 4 readers listed ${r.reduce((n, x) => n + x.lists, 0)} times in ${Date.now() - started} ms; 0 parse warnings`)
  })
})

test.run()
