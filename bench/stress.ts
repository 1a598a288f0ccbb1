// CI stress run: N concurrent podctl processes create/run/rm containers and pods and
// create/remove networks on overlapping names and shared networks for a while, then a final
// sweep and `system check`. Every count in the summary's "must be zero" block must be 0.
//   npm run stress -- [--processes 8] [--duration 60] [--seed S] [--json]   (needs npm run build)
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

import type { Finding } from '../src/check/index.js'
import { listMasqueradeRules } from '../src/network/masq-cleanup.js'
import type { Duplicate } from './stress-monitor.js'
import { startIpMonitor } from './stress-monitor.js'
import type { Op, Pools } from './stress-ops.js'
import { classifyOutcome, pickOp } from './stress-ops.js'
import { createRandom } from './stress-random.js'
import type { BenchHost } from './stress-host.js'
import { createBenchHost, createNetwork, destroyBenchHost, spawnPodctl } from './stress-host.js'

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
  // The bridge plugin's masquerade rules left on this run's own networks (shared and pool)
  // after the sweep: "network:container" for each.
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
    await sweep(b, summary)
    // system check sees the pool networks' rules only while they exist; the sweep's
    // network prune removed them, so their rules are counted here by network name.
    const ours = new Set([...pools.sharedNets, ...pools.poolNets.map(n => n.name)])
    summary.natLeaks = (await listMasqueradeRules(4)).filter(r => ours.has(r.network)).map(r => `${r.network}:${r.containerId.slice(0, 12)}`)
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
  for (const f of s.findings) s.leaks[f.kind] = (s.leaks[f.kind] ?? 0) + 1
}

function renderSummary (s: StressSummary): string {
  const lines = [`stress: ${s.processes} processes, ${s.durationSec} s, seed ${s.seed}: ${s.operations} operations`]
  for (const [kind, outcomes] of Object.entries(s.byKind).sort()) {
    lines.push(`  ${kind.padEnd(15)} ${Object.entries(outcomes).sort().map(([o, n]) => `${o}=${n}`).join(' ')}`)
  }
  for (const [cls, msgs] of Object.entries(s.samples).sort()) for (const m of msgs) lines.push(`  tolerated ${cls}: ${m}`)
  lines.push(`IP samples: ${s.ipSamples}`)
  lines.push(`must be zero: ${Object.entries(mustBeZero(s)).map(([k, v]) => `${k}=${v}`).join(' ')}`)
  for (const [k, v] of Object.entries(s.leaks)) lines.push(`  leak ${k}: ${v}`)
  for (const l of s.natLeaks) lines.push(`  NAT rule left: ${l}`)
  for (const u of s.unexpected.slice(0, 20)) lines.push(`  unexpected: ${u.op}: exit ${u.code ?? u.signal}: ${u.stderr.trim().split('\n')[0] ?? ''}`)
  for (const d of s.duplicateIps) lines.push(`  duplicate IP ${d.ip} on ${d.network}: ${d.containers.join(', ')}`)
  for (const e of s.sweepErrors) lines.push(`  sweep: ${e}`)
  for (const f of s.findings) lines.push(`  ${f.kind}: ${f.object}: ${f.detail}`)
  return lines.join('\n') + '\n'
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { processes: { type: 'string', default: '8' }, duration: { type: 'string', default: '60' }, seed: { type: 'string' }, json: { type: 'boolean', default: false } } })
  const processes = Number(values.processes); const durationSec = Number(values.duration)
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes must be a positive integer, got ${values.processes}`)
  if (!(durationSec > 0)) throw new Error(`--duration must be a positive number of seconds, got ${values.duration}`)
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed)
  const s = await runStress({ processes, durationSec, seed, log: l => { process.stderr.write(l + '\n') } })
  process.stdout.write(values.json ? JSON.stringify({ ...s, mustBeZero: mustBeZero(s) }, null, 2) + '\n' : renderSummary(s))
  if (Object.values(mustBeZero(s)).some(v => v !== 0)) process.exitCode = 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
