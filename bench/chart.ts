// Merges bench/results/*.json files from real.bench.ts runs into one chart:
//   tsx bench/chart.ts OUT.svg RESULT.json [RESULT.json ...]
import fs from 'node:fs'

import { renderRateChart } from './svg-chart.js'

interface Sample { tool: string, scenario: string, containers: number, perSecond: number, failed?: string }

const [out, ...inputs] = process.argv.slice(2)
if (out === undefined || inputs.length === 0) {
  console.error('usage: tsx bench/chart.ts OUT.svg RESULT.json [RESULT.json ...]')
  process.exit(2)
}
const samples = inputs.flatMap(f => (JSON.parse(fs.readFileSync(f, 'utf8')) as { samples: Sample[] }).samples).filter(s => s.failed === undefined)
fs.writeFileSync(out, renderRateChart(samples))
console.log(`wrote ${out} (${samples.length} samples)`)
