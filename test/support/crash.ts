// The crash campaign behind bench/crash.ts and test/integration/crash-campaign.test.ts:
// build a mixed host state, start `pod rm -fa` or `rm -fa`, SIGKILL it at a random moment
// or at an injected step (PODCTL_FAULT), run the same command again, then `system check`.
// Goal: zero findings in every trial.
import type { Finding } from '../../src/check/index.js'
import { silentLogger } from '../../src/log.js'
import { walkConfigDir } from '../../src/network/config-walk.js'
import { listMasqueradeRules } from '../../src/network/masq-cleanup.js'
import { subnetSpecsOf } from '../../src/network/network-info.js'
import { FAULT_STEPS } from '../../src/removal/fault-injection.js'
import type { FaultStep } from '../../src/removal/fault-injection.js'
import { natChainsOfRemovedNetworks, portmapChainsOn } from '../helpers/cni.js'
import type { BenchHost } from './stress/host.js'
import { createBenchHost, createNetwork, destroyBenchHost, inProcess, must, spawnPodctl } from './stress/host.js'
import { createRandom } from './stress/random.js'
import type { Random } from './stress/random.js'

export interface CrashOptions {
  trials: number
  seed: number
  // Kill at these steps in turn (container '*': the first container to reach it) instead
  // of choosing at random between a random moment and a random step.
  steps?: readonly FaultStep[]
  log?: (line: string) => void
}

export interface CrashSummary {
  trials: number
  seed: number
  // How each first run ended: 'step:<name>' (killed by an injected fault), 'random' (killed
  // after a random delay), 'completed' (finished before the kill came).
  killPoints: Record<string, number>
  // Second runs (same command, no fault) that did not exit 0.
  secondRunFailures: { trial: number, code: number | null, stderr: string }[]
  findings: (Finding & { trial: number })[]
  // NAT rules left on the campaign's own networks after each trial's cleanup (nothing is
  // attached any more): masquerade rules ("<trial>: <network> <container>"), PODCTL-
  // chains of removed networks and portmap's CNI-DN- chains.
  natLeaks: string[]
  containersBuilt: number
}

// A mixed state: pods with infra, --requires and --network container: dependencies,
// anonymous and named volumes, containers on one or two named networks, a created one;
// the first pod and the base container publish a port (portmap's CNI-DN- chains).
async function buildState (b: BenchHost, rnd: Random, nets: string[], trial: number, ports: readonly [number, number]): Promise<number> {
  const t = `t${trial}`
  let n = 0
  const run = async (...args: string[]): Promise<void> => { await must(b, ['run', '-d', ...args, 'busybox', 'sleep', '1000']); n++ }
  for (let p = 0; p < rnd.int(1, 2); p++) {
    await must(b, ['pod', 'create', '--name', `${t}p${p}`, '--network', rnd.pick(nets), ...(p === 0 ? ['-p', `${ports[0]}:80`] : [])])
    n++
    for (let m = 0; m < rnd.int(1, 2); m++) await run('--pod', `${t}p${p}`, '--name', `${t}p${p}m${m}`, ...(rnd.chance(0.5) ? ['-v', '/data'] : []))
  }
  await run('--name', `${t}base`, '--network', rnd.chance(0.5) ? nets.join(',') : rnd.pick(nets), '-p', `${ports[1]}:80`)
  await run('--name', `${t}join`, '--network', `container:${t}base`)
  await run('--name', `${t}req`, '--requires', `${t}base`, '-v', `${t}vol:/named`, '-v', '/anon', '--network', 'none')
  if (rnd.chance(0.5)) await run('--name', `${t}chain`, '--requires', `${t}req`, '--network', rnd.pick(nets))
  await must(b, ['create', '--name', `${t}idle`, '--network', rnd.pick(nets), 'busybox', 'true'])
  return n + 1
}

export async function runCrashCampaign (opts: CrashOptions): Promise<CrashSummary> {
  const rnd = createRandom(opts.seed)
  const log = opts.log ?? (() => {})
  const summary: CrashSummary = { trials: 0, seed: opts.seed, killPoints: {}, secondRunFailures: [], findings: [], natLeaks: [], containersBuilt: 0 }
  const b = await createBenchHost()
  try {
    const nets = [await createNetwork(b, 'cra'), await createNetwork(b, 'crb')]
    const walk = await walkConfigDir(b.host.config.cniConfigDir, silentLogger)
    const subnets = new Set(nets.flatMap(n => { const net = walk.byName.get(n); return net === undefined ? [] : subnetSpecsOf(net).map(sp => sp.subnet) }))
    for (let trial = 1; trial <= opts.trials; trial++) {
      const port = 20_000 + (opts.seed * 131 + trial * 2) % 20_000
      summary.containersBuilt += await buildState(b, rnd, nets, trial, [port, port + 1])
      const command = rnd.chance(0.5) ? ['pod', 'rm', '-fa'] : ['rm', '-fa']
      if (rnd.chance(0.5)) command.push('-t', '0')
      const forced = opts.steps?.[(trial - 1) % opts.steps.length]
      const injected = forced ?? (rnd.chance(0.5) ? rnd.pick(FAULT_STEPS) : undefined)
      const first = await spawnPodctl(b, command, injected === undefined
        ? { killAfterMs: rnd.int(0, 1500) }
        : { env: { PODCTL_FAULT: `step=${injected},container=${forced === undefined ? 'random' : '*'},action=kill` } })
      const point = first.signal === 'SIGKILL' ? injected === undefined ? 'random' : `step:${injected}` : 'completed'
      summary.killPoints[point] = (summary.killPoints[point] ?? 0) + 1
      const second = await spawnPodctl(b, command)
      if (second.code !== 0) summary.secondRunFailures.push({ trial, code: second.code, stderr: second.stderr })
      // rm -fa leaves pods without members and named volumes (Podman does too): not leaks.
      const check = await inProcess(b, ['system', 'check', '--format', 'json'])
      const findings = (JSON.parse(check.stdout) as { findings: Finding[] }).findings
      summary.findings.push(...findings.map(f => ({ ...f, trial })))
      log(`trial ${trial}: ${command.join(' ')} ${point} after ${first.ms} ms; second run exit ${second.code}; ${findings.length} findings`)
      if (second.code !== 0) log(`  second run: ${second.stderr.trim().split('\n').slice(0, 3).join(' | ')}`)
      for (const f of findings) log(`  ${f.kind}: ${f.object}: ${f.detail}`)
      // Start the next trial from an empty host whatever happened.
      await inProcess(b, ['pod', 'rm', '-fa', '-t', '0'])
      await inProcess(b, ['rm', '-fa', '-t', '0'])
      await inProcess(b, ['volume', 'prune', '-f'])
      // Nothing is attached now: any masquerade rule on the campaign's networks is a leak.
      const leaks = [
        ...(await listMasqueradeRules(4)).filter(r => nets.includes(r.network)).map(r => `${trial}: ${r.network} ${r.containerId}`),
        ...natChainsOfRemovedNetworks(b.host.dir).map(c => `${trial}: ${c}`),
        ...(await portmapChainsOn(new Set(nets), subnets)).map(c => `${trial}: ${c}`),
      ]
      summary.natLeaks.push(...leaks)
      for (const l of leaks) log(`  NAT rule left: ${l}`)
      if (findings.length > 0) await inProcess(b, ['system', 'check', '--repair'])
      summary.trials = trial
    }
  } finally {
    await destroyBenchHost(b)
  }
  return summary
}
