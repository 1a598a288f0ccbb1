// `npm run bench`: engine overhead (fake runtime) then real removals vs Podman.
// Arguments go to the real bench (scenario filters, --runs N, --no-podman); set
// BENCH_ENGINE=1k,10k to choose engine sizes (default 1k,10k,100k).
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const here = import.meta.dirname
const tsx = path.resolve(here, '../node_modules/.bin/tsx')
const sizes = (process.env['BENCH_ENGINE'] ?? '1k,10k,100k').split(',').filter(Boolean)
for (const [file, args] of [['engine.bench.ts', sizes], ['real.bench.ts', process.argv.slice(2)]] as const) {
  console.log(`\n== ${file} ${args.join(' ')}`)
  const r = spawnSync(tsx, [path.join(here, file), ...args], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
