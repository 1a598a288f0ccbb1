// The stress run behind `npm run stress` (bench/stress.ts) and test/integration/stress.test.ts:
// N concurrent podctl processes create/run/rm containers and pods and create/remove networks
// on overlapping names and shared networks for a while, then a final sweep and
// `system check`. Every count in mustBeZero(summary) must be 0.
import { randomBytes } from 'node:crypto'

import type { Finding } from '../../../src/check/index.js'
import { silentLogger } from '../../../src/log.js'
import { walkConfigDir } from '../../../src/network/config-walk.js'
import { listMasqueradeRules } from '../../../src/network/masq-cleanup.js'
import { subnetSpecsOf } from '../../../src/network/network-info.js'
import { natChainsOfRemovedNetworks, portmapChainsOn } from '../../helpers/cni.js'
import type { Duplicate } from './monitor.js'
import { startIpMonitor } from './monitor.js'
import type { Op, Pools } from './ops.js'
import { classifyOutcome, pickOp } from './ops.js'
import { createRandom } from './random.js'
import type { BenchHost } from './host.js'
import { createBenchHost, createNetwork, destroyBenchHost, spawnPodctl } from './host.js'

export interface StressOptions {
  processes: number
  durationSec: number
  seed: number
  log?: (line: string) => void
}

export interface StressSummary {
  processes: number
  durationSec: number
  seed: number
  operations: number
  // kind → outcome class (ok, no-such, in-use, name-in-use, state, unexpected) → count
  byKind: Record<string, Record<string, number>>
  unexpected: { op: string, code: number | null, signal: string | null, stderr: string }[]
  // Up to 5 distinct error lines per "kind: outcome class", to show what was tolerated.
  samples: Record<string, string[]>
  jsonParseErrors: number
  ipSamples: number
  duplicateIps: Duplicate[]
  sweepErrors: string[]
  // system check after the sweep, by kind.
  leaks: Record<string, number>
  findings: Finding[]
  // NAT rules left on this run's own networks (shared and pool) after the sweep: the bridge
  // plugin's masquerade ("network:container"), podctl's chains of removed networks, and
  // portmap's CNI-DN- chains of published ports.
  natLeaks: string[]
}

export function mustBeZero (s: StressSummary): Record<string, number> {
  return {
    unexpectedErrors: s.unexpected.length,
    jsonParseErrors: s.jsonParseErrors,
    duplicateIps: s.duplicateIps.length,
    sweepErrors: s.sweepErrors.length,
    leaks: s.findings.length,
    natLeaks: s.natLeaks.length,
  }
}

function makePools (processes: number, sharedNets: string[], tag: string): Pools {
  const r = randomBytes(1)[0]!
  return {
    containers: Array.from({ length: processes * 2 }, (_, i) => `${tag}c${i}`),
    pods: Array.from({ length: Math.max(2, processes) }, (_, i) => `${tag}p${i}`),
    sharedNets,
    poolNets: Array.from({ length: 3 }, (_, i) => ({ name: `${tag}n${i}`, subnet: `10.${100 + (r % 90) + i}.${200 + i}.0/24`, bridge: `${tag}n${i}br` })),
    ports: Array.from({ length: 4 }, (_, i) => 20_000 + (randomBytes(2).readUInt16BE() % 20_000) + i),
  }
}

export async function runStress (opts: StressOptions): Promise<StressSummary> {
  const log = opts.log ?? (() => {})
  const summary: StressSummary = {
    processes: opts.processes, durationSec: opts.durationSec, seed: opts.seed, operations: 0, byKind: {}, unexpected: [], samples: {},
    jsonParseErrors: 0, ipSamples: 0, duplicateIps: [], sweepErrors: [], leaks: {}, findings: [], natLeaks: [],
  }
  const b = await createBenchHost()
  const tag = `s${randomBytes(2).toString('hex')}`
  try {
    const pools = makePools(opts.processes, [await createNetwork(b, `${tag}a`), await createNetwork(b, `${tag}b`)], tag)
    b.networks.push(...pools.poolNets.map(n => n.name))
    const monitor = startIpMonitor(b.host.config.cniCacheDir, b.host.store)
    const deadline = Date.now() + opts.durationSec * 1000
    const worker = async (w: number): Promise<void> => {
      const rnd = createRandom(opts.seed * 1000 + w)
      while (Date.now() < deadline) await runOp(b, pickOp(rnd, pools), summary, log)
    }
    await Promise.all(Array.from({ length: opts.processes }, (_, w) => worker(w)))
    const ips = await monitor.stop()
    summary.ipSamples = ips.samples
    summary.duplicateIps = ips.duplicates
    // The shared networks' subnets, read before the sweep's prune removes their files.
    const subnets = new Set([...pools.poolNets.map(n => n.subnet), ...await subnetsOf(b, pools.sharedNets)])
    await sweep(b, summary)
    // system check sees the pool networks' rules only while they exist; the sweep's
    // network prune removed them, so their rules are counted here by network name.
    const ours = new Set([...pools.sharedNets, ...pools.poolNets.map(n => n.name)])
    summary.natLeaks = (await listMasqueradeRules(4)).filter(r => ours.has(r.network)).map(r => `${r.network}:${r.containerId.slice(0, 12)}`)
    // podctl's own per-network chains: one left for a removed network is a leak too.
    summary.natLeaks.push(...natChainsOfRemovedNetworks(b.host.dir))
    // portmap's CNI-DN- chains of published ports on the run's networks.
    summary.natLeaks.push(...await portmapChainsOn(ours, subnets))
  } finally {
    await destroyBenchHost(b)
  }
  return summary
}

async function runOp (b: BenchHost, op: Op, s: StressSummary, log: (l: string) => void): Promise<void> {
  const r = await spawnPodctl(b, op.args, { timeoutMs: 120_000 })
  let outcome = classifyOutcome(r.code, r.signal, r.stderr)
  if (op.json === true && r.code === 0) {
    try { JSON.parse(r.stdout) } catch { s.jsonParseErrors++; outcome = 'unexpected' }
  }
  s.operations++
  const byOutcome = s.byKind[op.kind] ??= {}
  byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1
  if (outcome !== 'ok' && outcome !== 'unexpected') {
    const line = (r.stderr.split('\n').find(l => l.startsWith('Error: ')) ?? '').replace(/[0-9a-f]{64}/g, '<id>')
    const seen = s.samples[`${op.kind}: ${outcome}`] ??= []
    if (seen.length < 3 && !seen.includes(line)) seen.push(line)
  }
  if (outcome === 'unexpected') {
    s.unexpected.push({ op: op.args.join(' '), code: r.code, signal: r.signal, stderr: r.stderr.slice(0, 2000) })
    log(`unexpected: podctl ${op.args.join(' ')}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`)
  }
}

// pod rm -fa, rm -fa, network prune, volume prune: each must exit 0; then system check.
async function sweep (b: BenchHost, s: StressSummary): Promise<void> {
  for (const args of [['pod', 'rm', '-fa', '-t', '0'], ['rm', '-fa', '-t', '0'], ['network', 'prune', '-f'], ['volume', 'prune', '-f']]) {
    const r = await spawnPodctl(b, args)
    if (r.code !== 0) s.sweepErrors.push(`podctl ${args.join(' ')}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`)
  }
  const check = await spawnPodctl(b, ['system', 'check', '--format', 'json'])
  try {
    s.findings = (JSON.parse(check.stdout) as { findings: Finding[] }).findings
  } catch {
    s.jsonParseErrors++
    s.sweepErrors.push(`system check: exit ${check.code}: ${check.stderr.trim()}`)
  }
  // A PODCTL- chain is host-wide: one of another root that died (its conflist gone) is that
  // root's leak, not this run's; the run's own removed networks are counted in natLeaks.
  s.findings = s.findings.filter(f => f.kind !== 'orphan-nat-chain' || f.detail.includes(`(${b.host.dir}/`))
  for (const f of s.findings) s.leaks[f.kind] = (s.leaks[f.kind] ?? 0) + 1
}

async function subnetsOf (b: BenchHost, networks: readonly string[]): Promise<string[]> {
  const walk = await walkConfigDir(b.host.config.cniConfigDir, silentLogger)
  return networks.flatMap(n => { const net = walk.byName.get(n); return net === undefined ? [] : subnetSpecsOf(net).map(s => s.subnet) })
}
