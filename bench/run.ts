// `npm run bench`: engine overhead (fake runtime), then real removals vs Podman.
//   npm run bench -- [--out NAME] [--runs N] [--no-podman] [scenario ...]
// Scenario words and --runs/--no-podman go to the real bench; --out NAME writes
// bench/results/engine-NAME.json and real-NAME.{json,svg} (default NAME: latest).
// BENCH_ENGINE=1k,10k chooses the engine sizes (default 1k,10k,100k; empty skips it).
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const here = import.meta.dirname
const tsx = path.resolve(here, '../node_modules/.bin/tsx')
const argv = process.argv.slice(2)
const outAt = argv.indexOf('--out')
const name = outAt >= 0 ? String(argv[outAt + 1]) : 'latest'
const rest = argv.filter((_, i) => i !== outAt && i !== outAt + 1)
const sizes = (process.env['BENCH_ENGINE'] ?? '1k,10k,100k').split(',').filter(Boolean)
const steps: Array<[string, string[]]> = [
  ...(sizes.length > 0 ? [['engine.bench.ts', ['--out', `engine-${name}`, ...sizes]] as [string, string[]]] : []),
  ['real.bench.ts', ['--out', `real-${name}`, ...rest]],
]
for (const [file, args] of steps) {
  console.log(`\n== ${file} ${args.join(' ')}`)
  const r = spawnSync(tsx, [path.join(here, file), ...args], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
