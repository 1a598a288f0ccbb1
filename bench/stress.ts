// CI stress run: N concurrent podctl processes create/run/rm containers and pods and
// create/remove networks on overlapping names and shared networks for a while, then a final
// sweep and `system check`. Every count in the summary's "must be zero" block must be 0.
//   npm run stress -- [--processes 8] [--duration 60] [--seed S] [--json]   (needs npm run build)
//   The run itself is test/support/stress/run.ts, shared with test/integration/stress.test.ts.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

import type { StressSummary } from '../test/support/stress/run.js'
import { mustBeZero, runStress } from '../test/support/stress/run.js'

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
