// Real removals, podctl side by side with Podman (when installed) on the same host and
// workload. Each scenario builds its containers with the tool's own CLI, then times only
// the removal command. Medians of --runs runs. Writes bench/results/<NAME>.json and .svg
// (NAME defaults to real-latest). Usage:
//   tsx bench/real.bench.ts [--runs 3] [--out NAME] [--no-podman] [scenario-name ...]
// A scenario name picks that scenario; any other word picks the scenarios containing it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { buildBusyboxRootfs, makeBenchDirs, type Tool, podctlTool, podmanTool, runPool } from './real-tools.js'
import { type Baselines, formatBaselines, measureBaselines } from './baselines.js'
import { renderRateChart, renderRateLines } from './svg-chart.js'

interface Scenario {
  name: string
  // Scenarios of one family differ only in size: the chart draws them as one line.
  family?: string
  containers: number
  // Network namespaces attached to a bridge (each costs one CNI DEL); 0 with --network none.
  attachments?: number
  // Builds the workload; returns the removal command's arguments (several: run at once).
  setup: (tool: Tool) => Promise<string[] | string[][]>
}

// 8 processes, each removing 20 of 80 containers; neighbours overlap by 10.
function overlappingSets (): string[][] {
  return Array.from({ length: 8 }, (_, p) => ['rm', '-f', '-i', '-t', '0', ...Array.from({ length: 20 }, (_, i) => `c${(p * 10 + i) % 80}`)])
}

const SLEEP = ['sleep', '1000']

// --network none, or the tool's own bridge network (CNI bridge + host-local + portmap).
async function netArgs (tool: Tool, net: boolean): Promise<string[]> {
  return ['--network', net ? await tool.network() : 'none']
}

async function standalone (tool: Tool, n: number, net = false): Promise<void> {
  const nw = await netArgs(tool, net)
  await runPool(n, 4, i => tool.ok(['run', '-d', ...nw, '--name', `c${i}`, 'bb', ...SLEEP]))
}

async function pods (tool: Tool, podCount: number, perPod: number, net = false): Promise<void> {
  const nw = await netArgs(tool, net)
  await runPool(podCount, 2, async p => {
    await tool.ok(['pod', 'create', '--name', `p${p}`, ...nw])
    for (let m = 0; m < perPod; m++) await tool.ok(['run', '-d', '--pod', `p${p}`, '--name', `p${p}m${m}`, 'bb', ...SLEEP])
  })
}

const RM_FA = ['rm', '-fa', '-t', '0']
const POD_RM_FA = ['pod', 'rm', '-fa', '-t', '0']

const rmFa = (n: number, net = false): Scenario => ({
  name: `rm-fa-${net ? 'net-' : ''}${n}`,
  family: net ? 'rm -fa, bridge network' : 'rm -fa, no network',
  containers: n,
  attachments: net ? n : 0,
  setup: async t => { await standalone(t, n, net); return RM_FA },
})

const podRm = (podCount: number, perPod: number, net = false): Scenario => ({
  name: `pod-rm-${net ? 'net-' : ''}${podCount}x${perPod}`,
  family: net ? 'pod rm -fa, bridge network' : 'pod rm -fa, no network',
  containers: podCount * (perPod + 1),
  attachments: net ? podCount : 0,
  setup: async t => { await pods(t, podCount, perPod, net); return POD_RM_FA },
})

const SCENARIOS: Scenario[] = [
  rmFa(10), rmFa(50), rmFa(100), rmFa(200),
  rmFa(10, true), rmFa(50, true), rmFa(100, true),
  podRm(5, 5), podRm(10, 5), podRm(20, 10),
  podRm(10, 5, true),
  {
    name: 'chain-20',
    containers: 20,
    setup: async t => {
      for (let i = 0; i < 20; i++) await t.ok(['run', '-d', '--network', 'none', '--name', `k${i}`, ...(i > 0 ? ['--requires', `k${i - 1}`] : []), 'bb', ...SLEEP])
      return RM_FA
    },
  },
  { name: 'wide-pod-100', containers: 101, setup: async t => { await pods(t, 1, 100); return POD_RM_FA } },
  { name: 'rm-80-one-process', containers: 80, setup: async t => { await standalone(t, 80); return ['rm', '-f', '-t', '0', ...Array.from({ length: 80 }, (_, i) => `c${i}`)] } },
  { name: 'rm-80-8-processes-overlap', containers: 80, setup: async t => { await standalone(t, 80); return overlappingSets() } },
  // Default stop timeout on containers whose PID 1 (busybox sleep) ignores SIGTERM.
  { name: 'rm-fa-50-default-timeout', containers: 50, setup: async t => { await standalone(t, 50); return ['rm', '-fa'] } },
]

interface Sample { tool: string, scenario: string, family?: string, containers: number, attachments: number, seconds: number[], median: number, perSecond: number, steps?: Record<string, number>, failed?: string }

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

// A filter that names a scenario exactly picks that one; otherwise it matches substrings
// (`rm-fa-50` is one scenario, `pod-rm` every pod scenario).
function pick (filters: string[]): Scenario[] {
  return SCENARIOS.filter(s => filters.length === 0 || filters.some(f => SCENARIOS.some(x => x.name === f) ? s.name === f : s.name.includes(f)))
}

// Which external command each engine step waits on, for the comparison line.
const STEP_BASELINE: Array<[step: string, key: keyof Baselines, what: string]> = [
  ['stopped', 'runcKillMs', 'runc kill+wait'],
  ['network-detached', 'cniDelMs', 'CNI DEL'],
  ['runtime-deleted', 'runcDeleteMs', 'runc delete'],
  ['storage-removed', 'umount2Ms', 'umount2'],
]

function stepLines (s: Sample, b: Baselines): string[] {
  if (s.steps === undefined) return []
  const per = (k: string): number => (s.steps?.[k] ?? 0) / s.containers
  const lines = [`steps, ms per container (wall, overlapped): ${Object.keys(s.steps).map(k => `${k}=${per(k).toFixed(1)}`).join(' ')}`]
  lines.push(`alone, ms per call: ${STEP_BASELINE.map(([step, key, what]) => `${step}: ${what} ${b[key].toFixed(1)}`).join(', ')}`)
  // The external commands one after another, as a serial tool would pay at best.
  const serial = (s.containers * (b.runcKillMs + b.runcDeleteMs + b.umount2Ms) + s.attachments * b.cniDelMs) / 1000
  lines.push(`external commands alone, one after another: ${serial.toFixed(2)} s; podctl took ${s.median.toFixed(2)} s (${(s.median / serial).toFixed(2)}x of that)`)
  return lines
}

async function main (): Promise<void> {
  const argv = process.argv.slice(2)
  const runsAt = argv.indexOf('--runs')
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3
  const outAt = argv.indexOf('--out')
  const outName = outAt >= 0 ? String(argv[outAt + 1]) : 'real-latest'
  const filters = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs' && argv[i - 1] !== '--out')
  const chosen = pick(filters)
  if (chosen.length === 0) {
    console.error(`no scenario matches ${filters.join(' ')}; scenarios: ${SCENARIOS.map(s => s.name).join(' ')}`)
    process.exit(2)
  }
  console.log('measuring the external commands alone ...')
  const baselines = measureBaselines()
  console.log(formatBaselines(baselines))
  const dirs = makeBenchDirs()
  const rootfs = buildBusyboxRootfs(dirs.base)
  const tools = [podctlTool(dirs, rootfs)]
  if (!argv.includes('--no-podman')) {
    const pm = podmanTool(dirs, rootfs)
    if (pm !== undefined) tools.push(pm)
    else console.log('podman not installed: podctl only (bash scripts/bench-setup.sh installs it)')
  }
  const samples: Sample[] = []
  try {
    for (const sc of chosen) {
      for (const tool of tools) {
        const seconds: number[] = []
        let steps: Record<string, number> | undefined
        let failed: string | undefined
        for (let r = 0; r < runs; r++) {
          await tool.reset()
          const rmArgs = await sc.setup(tool)
          const res = await tool.timed(rmArgs)
          seconds.push(res.seconds)
          if (res.steps !== undefined) steps = res.steps
          if (res.failed !== undefined) failed = res.failed
          await tool.reset()
        }
        const m = median(seconds)
        const s: Sample = { tool: tool.name, scenario: sc.name, ...(sc.family === undefined ? {} : { family: sc.family }), containers: sc.containers, attachments: sc.attachments ?? 0, seconds, median: m, perSecond: sc.containers / m, ...(steps === undefined ? {} : { steps }), ...(failed === undefined ? {} : { failed }) }
        samples.push(s)
        if (failed !== undefined) { console.log(`${sc.name.padEnd(26)} ${tool.name.padEnd(7)} FAILED: ${failed}`); continue }
        console.log(`${sc.name.padEnd(26)} ${tool.name.padEnd(7)} n=${String(sc.containers).padStart(3)}  median=${m.toFixed(2)}s  ${s.perSecond.toFixed(1)} containers/s  runs=[${seconds.map(x => x.toFixed(2)).join(', ')}]`)
        for (const l of stepLines(s, baselines)) console.log(`${''.padEnd(26)} ${l}`)
      }
      const a = samples.find(s => s.scenario === sc.name && s.tool === 'podctl')
      const b = samples.find(s => s.scenario === sc.name && s.tool === 'podman')
      if (a !== undefined && b !== undefined && a.failed === undefined && b.failed === undefined) console.log(`${sc.name.padEnd(26)} ratio podman/podctl time = ${(b.median / a.median).toFixed(1)}x`)
    }
  } finally {
    for (const t of tools) await t.close().catch((err: unknown) => { console.error(`cleanup ${t.name}: ${String(err)}`) })
    try { fs.rmSync(dirs.base, { recursive: true, force: true }) } catch (err) { console.error(`leaving ${dirs.base}: ${String(err)}`) }
    fs.rmSync(rootfs.dir, { recursive: true, force: true })
  }
  const out = path.join(import.meta.dirname, 'results')
  fs.mkdirSync(out, { recursive: true })
  const host = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version, date: new Date().toISOString() }
  fs.writeFileSync(path.join(out, `${outName}.json`), JSON.stringify({ host, runs, baselines, samples }, null, 2) + '\n')
  const ok = samples.filter(s => s.failed === undefined)
  fs.writeFileSync(path.join(out, `${outName}.svg`), renderRateLines(ok))
  fs.writeFileSync(path.join(out, `${outName}-scenarios.svg`), renderRateChart(ok))
  console.log(`wrote ${path.join(out, `${outName}.json`)}, ${outName}.svg (containers/s against count) and ${outName}-scenarios.svg`)
}

await main()
