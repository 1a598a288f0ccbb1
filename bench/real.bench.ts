// Real removals, podctl side by side with Podman (when installed) on the same host and
// workload. Each scenario builds its containers with the tool's own CLI, then times only
// the removal command. Medians of --runs runs. Writes bench/results/<NAME>.json and .svg
// (NAME defaults to real-latest). Usage:
//   tsx bench/real.bench.ts [--runs 3] [--out NAME] [--no-podman] [scenario-name-substring ...]
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { buildBusyboxRootfs, makeBenchDirs, type Tool, podctlTool, podmanTool, runPool } from './real-tools.js'
import { renderRateChart } from './svg-chart.js'

interface Scenario {
  name: string
  containers: number
  // Builds the workload; returns the removal command's arguments (several: run at once).
  setup: (tool: Tool) => Promise<string[] | string[][]>
}

// 8 processes, each removing 20 of 80 containers; neighbours overlap by 10.
function overlappingSets (): string[][] {
  return Array.from({ length: 8 }, (_, p) => ['rm', '-f', '-i', '-t', '0', ...Array.from({ length: 20 }, (_, i) => `c${(p * 10 + i) % 80}`)])
}

const SLEEP = ['sleep', '1000']

async function standalone (tool: Tool, n: number): Promise<void> {
  await runPool(n, 4, i => tool.ok(['run', '-d', '--network', 'none', '--name', `c${i}`, 'bb', ...SLEEP]))
}

async function pods (tool: Tool, podCount: number, perPod: number): Promise<void> {
  await runPool(podCount, 2, async p => {
    await tool.ok(['pod', 'create', '--name', `p${p}`, '--network', 'none'])
    for (let m = 0; m < perPod; m++) await tool.ok(['run', '-d', '--pod', `p${p}`, '--name', `p${p}m${m}`, 'bb', ...SLEEP])
  })
}

const SCENARIOS: Scenario[] = [
  { name: 'rm-fa-50', containers: 50, setup: async t => { await standalone(t, 50); return ['rm', '-fa', '-t', '0'] } },
  { name: 'rm-fa-200', containers: 200, setup: async t => { await standalone(t, 200); return ['rm', '-fa', '-t', '0'] } },
  { name: 'pod-rm-10x5', containers: 60, setup: async t => { await pods(t, 10, 5); return ['pod', 'rm', '-fa', '-t', '0'] } },
  { name: 'pod-rm-20x10', containers: 220, setup: async t => { await pods(t, 20, 10); return ['pod', 'rm', '-fa', '-t', '0'] } },
  {
    name: 'chain-20',
    containers: 20,
    setup: async t => {
      for (let i = 0; i < 20; i++) await t.ok(['run', '-d', '--network', 'none', '--name', `k${i}`, ...(i > 0 ? ['--requires', `k${i - 1}`] : []), 'bb', ...SLEEP])
      return ['rm', '-fa', '-t', '0']
    },
  },
  { name: 'wide-pod-100', containers: 101, setup: async t => { await pods(t, 1, 100); return ['pod', 'rm', '-fa', '-t', '0'] } },
  { name: 'rm-80-one-process', containers: 80, setup: async t => { await standalone(t, 80); return ['rm', '-f', '-t', '0', ...Array.from({ length: 80 }, (_, i) => `c${i}`)] } },
  { name: 'rm-80-8-processes-overlap', containers: 80, setup: async t => { await standalone(t, 80); return overlappingSets() } },
  // Default stop timeout on containers whose PID 1 (busybox sleep) ignores SIGTERM.
  { name: 'rm-fa-50-default-timeout', containers: 50, setup: async t => { await standalone(t, 50); return ['rm', '-fa'] } },
]

interface Sample { tool: string, scenario: string, containers: number, seconds: number[], median: number, perSecond: number, steps?: Record<string, number>, failed?: string }

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

// The floor under the runtime-delete step: one runc exec that finds nothing to do.
function runcExecBaselineMs (): number {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-runc-'))
  try {
    const xs: number[] = []
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now()
      try { execFileSync('runc', ['--root', root, 'delete', '--force', 'nonexistent'], { stdio: 'ignore' }) } catch {}
      xs.push(performance.now() - t0)
    }
    return median(xs)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

async function main (): Promise<void> {
  const argv = process.argv.slice(2)
  const runsAt = argv.indexOf('--runs')
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3
  const outAt = argv.indexOf('--out')
  const outName = outAt >= 0 ? String(argv[outAt + 1]) : 'real-latest'
  const filters = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs' && argv[i - 1] !== '--out')
  const chosen = SCENARIOS.filter(s => filters.length === 0 || filters.some(f => s.name.includes(f)))
  const dirs = makeBenchDirs()
  const rootfs = buildBusyboxRootfs(dirs.base)
  const tools = [podctlTool(dirs, rootfs)]
  if (!argv.includes('--no-podman')) {
    const pm = podmanTool(dirs, rootfs)
    if (pm !== undefined) tools.push(pm)
    else console.log('podman not installed: podctl only (apt-get install podman for the side-by-side)')
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
        const s: Sample = { tool: tool.name, scenario: sc.name, containers: sc.containers, seconds, median: m, perSecond: sc.containers / m, ...(steps === undefined ? {} : { steps }), ...(failed === undefined ? {} : { failed }) }
        samples.push(s)
        if (failed !== undefined) { console.log(`${sc.name.padEnd(26)} ${tool.name.padEnd(7)} FAILED: ${failed}`); continue }
        console.log(`${sc.name.padEnd(26)} ${tool.name.padEnd(7)} n=${String(sc.containers).padStart(3)}  median=${m.toFixed(2)}s  ${s.perSecond.toFixed(1)} containers/s  runs=[${seconds.map(x => x.toFixed(2)).join(', ')}]`)
        if (steps !== undefined) console.log(`${''.padEnd(26)} steps (sum of per-container ms): ${Object.entries(steps).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ')}`)
      }
      const a = samples.find(s => s.scenario === sc.name && s.tool === 'podctl')
      const b = samples.find(s => s.scenario === sc.name && s.tool === 'podman')
      if (a !== undefined && b !== undefined && a.failed === undefined && b.failed === undefined) console.log(`${sc.name.padEnd(26)} ratio podman/podctl time = ${(b.median / a.median).toFixed(1)}x`)
    }
  } finally {
    for (const t of tools) await t.reset().catch((err: unknown) => { console.error(`reset ${t.name}: ${String(err)}`) })
    try { fs.rmSync(dirs.base, { recursive: true, force: true }) } catch (err) { console.error(`leaving ${dirs.base}: ${String(err)}`) }
    fs.rmSync(rootfs.dir, { recursive: true, force: true })
  }
  const runcMs = runcExecBaselineMs()
  console.log(`baseline: one runc exec (delete of a missing container) = ${runcMs.toFixed(1)} ms`)
  const out = path.join(import.meta.dirname, 'results')
  fs.mkdirSync(out, { recursive: true })
  const host = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version, date: new Date().toISOString() }
  fs.writeFileSync(path.join(out, `${outName}.json`), JSON.stringify({ host, runs, runcExecMs: runcMs, samples }, null, 2) + '\n')
  fs.writeFileSync(path.join(out, `${outName}.svg`), renderRateChart(samples.filter(s => s.failed === undefined)))
  console.log(`wrote ${path.join(out, `${outName}.json`)} and ${outName}.svg`)
}

await main()
