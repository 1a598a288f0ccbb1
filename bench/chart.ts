// Merges bench/results/*.json files from real.bench.ts runs into the two charts:
//   tsx bench/chart.ts OUT.svg RESULT.json [RESULT.json ...]
// writes OUT.svg (containers/s against count) and OUT-scenarios.svg (bars per scenario).
// A scenario measured in several files keeps the last file's sample.
import fs from 'node:fs'

import { renderRateChart, renderRateLines } from './svg-chart.js'

interface Sample { tool: string, scenario: string, family?: string, containers: number, perSecond: number, failed?: string }

const [out, ...inputs] = process.argv.slice(2)
if (out === undefined || !out.endsWith('.svg') || inputs.length === 0) {
  console.error('usage: tsx bench/chart.ts OUT.svg RESULT.json [RESULT.json ...]')
  process.exit(2)
}
const byKey = new Map<string, Sample>()
for (const f of inputs) {
  for (const s of (JSON.parse(fs.readFileSync(f, 'utf8')) as { samples: Sample[] }).samples) {
    if (s.failed === undefined) byKey.set(`${s.tool}\0${s.scenario}`, s)
  }
}
const samples = [...byKey.values()]
const bars = out.replace(/\.svg$/, '-scenarios.svg')
fs.writeFileSync(out, renderRateLines(samples))
fs.writeFileSync(bars, renderRateChart(samples))
console.log(`wrote ${out} and ${bars} (${samples.length} samples)`)
