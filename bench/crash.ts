// Crash campaign: build a mixed host state, start `pod rm -fa` or `rm -fa`, SIGKILL it
// at a random moment or at an injected step (PODCTL_FAULT), run the same command again,
// then `system check`. Goal: zero findings in every trial.
//   tsx bench/crash.ts [--trials N] [--seed S] [--json]   (needs npm run build first)
//   The campaign itself is test/support/crash.ts, shared with test/integration/crash-campaign.test.ts.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

import { runCrashCampaign } from '../test/support/crash.js'

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: 'string', default: '20' }, seed: { type: 'string' }, json: { type: 'boolean', default: false } } })
  const trials = Number(values.trials)
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`)
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed)
  const started = Date.now()
  const s = await runCrashCampaign({ trials, seed, log: l => { process.stderr.write(l + '\n') } })
  if (values.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n')
  else {
    process.stdout.write(`crash campaign: ${s.trials} trials (seed ${s.seed}), ${s.containersBuilt} containers and pods built, ${Math.round((Date.now() - started) / 1000)} s\n`)
    process.stdout.write(`kill points: ${Object.entries(s.killPoints).sort().map(([k, v]) => `${k}=${v}`).join(' ')}\n`)
    process.stdout.write(`second runs failed: ${s.secondRunFailures.length}; findings: ${s.findings.length}; NAT rules left (masquerade, PODCTL-, CNI-DN-): ${s.natLeaks.length}\n`)
  }
  if (s.findings.length > 0 || s.secondRunFailures.length > 0 || s.natLeaks.length > 0) process.exitCode = 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
