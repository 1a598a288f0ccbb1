// Networked removal and start-up against Podman on its default backend (netavark), with
// Podman forced onto CNI as an optional second column (--cni). Each tool builds its own
// workload on its own temp root; only the measured command is timed. Scenarios:
//   rm -fa -t 0 of N running containers on the default network and with --network none,
//   pod rm -fa -t 0 of 10 pods × 4 members on the default network,
//   50 × run -d (one after another) on the default network and with --network none.
// Usage: tsx bench/network.bench.ts [--runs 1] [--sizes 10,50,100,200] [--cni] [--no-podman] [--out NAME]
// Podman's default network gets default_subnet 10.203.0.0/16 (containers.conf), so it never
// shares 10.88.0.0/16 with podctl0 on a host where both run (the clash #16 describes).
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { buildBusyboxRootfs, makeBenchDirs, runPool } from './real-tools.js'

interface Cli { name: string, run: (args: string[]) => Promise<string>, close: () => Promise<void> }

const argv = process.argv.slice(2)
const flag = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined }
const RUNS = Number(flag('--runs') ?? 1)
const SIZES = (flag('--sizes') ?? '10,50,100,200').split(',').map(Number)
const SLEEP = ['sleep', '1000']

function exec (file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20, timeout: 15 * 60_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${err.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

function podctlCli (base: string): Cli {
  const d = path.join(base, 'podctl')
  const bin = path.resolve(import.meta.dirname, '../dist/podctl.mjs')
  const globals = ['--root', `${d}/root`, '--runroot', `${d}/run`, '--cni-config-dir', `${d}/cni`, '--cni-cache-dir', `${d}/cache`]
  const run = (args: string[]): Promise<string> => exec(process.execPath, [bin, ...globals, ...args])
  return {
    name: 'podctl',
    run,
    async close () {
      await run(['pod', 'rm', '-fa', '-t', '0']).catch(() => {})
      await run(['rm', '-fa', '-t', '0']).catch(() => {})
      // The default network stays with the root; its NAT chain goes with it.
      const jumps = execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n').filter(l => l.includes(` file ${d}/`))
      for (const j of jumps) {
        const chain = /-j (PODCTL-[0-9a-f]+)$/.exec(j)?.[1]
        const lines = ['*nat', `-D ${j.slice(3)}`, ...(chain === undefined ? [] : [`-F ${chain}`, `-X ${chain}`]), 'COMMIT', '']
        try { execFileSync('iptables-restore', ['--noflush'], { input: lines.join('\n') }) } catch {}
      }
    },
  }
}

// Debian's containers.conf plus what this host needs (see bench/startup.bench.ts): no raised
// ulimits, runc; and the default network's subnet away from podctl0's.
function podmanCli (base: string, name: string, backend: 'netavark' | 'cni'): Cli {
  const d = path.join(base, name)
  fs.mkdirSync(d, { recursive: true })
  let text = fs.readFileSync('/usr/share/containers/containers.conf', 'utf8')
  const add = (section: string, line: string): void => { text = text.replace(new RegExp(`^\\[${section}\\]\\s*$`, 'm'), m => `${m}\n${line}`) }
  add('containers', 'default_ulimits = []')
  add('engine', 'runtime = "runc"')
  add('network', `default_subnet = "${backend === 'cni' ? '10.204.0.0/16' : '10.203.0.0/16'}"`)
  if (backend === 'cni') add('network', 'network_backend = "cni"')
  fs.writeFileSync(path.join(d, 'containers.conf'), text)
  const env = { CONTAINERS_CONF: path.join(d, 'containers.conf') }
  const globals = ['--root', `${d}/root`, '--runroot', `${d}/run`, '--tmpdir', `${d}/tmp`, '--network-config-dir', `${d}/net`]
  const run = (args: string[]): Promise<string> => exec('podman', [...globals, ...args], env)
  return {
    name,
    run,
    async close () {
      await run(['pod', 'rm', '-fa', '-t', '0']).catch(() => {})
      await run(['rm', '-fa', '-t', '0']).catch(() => {})
    },
  }
}

interface Row { scenario: string, tool: string, seconds: number[], median: number, steps?: Record<string, number> }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timed (fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return (performance.now() - t0) / 1000
}

// podctl rm/pod rm --format json: per-step time summed over containers (ms), per container.
function stepsOf (json: string, n: number): Record<string, number> {
  const events = (JSON.parse(json) as { events?: { ts: number, container: string, step: string }[] }).events ?? []
  const by = new Map<string, { ts: number, step: string }[]>()
  for (const e of events) by.set(e.container, [...(by.get(e.container) ?? []), e])
  const sums: Record<string, number> = {}
  for (const evs of by.values()) {
    evs.sort((a, b) => a.ts - b.ts)
    for (let i = 1; i < evs.length; i++) sums[evs[i]!.step] = (sums[evs[i]!.step] ?? 0) + evs[i]!.ts - evs[i - 1]!.ts
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v / n * 10) / 10]))
}

async function scenario (rows: Row[], name: string, tool: Cli, setup: () => Promise<number>, measure: string[]): Promise<void> {
  const seconds: number[] = []
  let steps: Record<string, number> | undefined
  for (let r = 0; r < RUNS; r++) {
    const n = await setup()
    let out = ''
    const args = tool.name === 'podctl' ? [...measure, '--format', 'json'] : measure
    seconds.push(await timed(async () => { out = await tool.run(args) }))
    if (tool.name === 'podctl') steps = stepsOf(out, n)
    await tool.close()
  }
  const row: Row = { scenario: name, tool: tool.name, seconds, median: median(seconds), ...(steps === undefined ? {} : { steps }) }
  rows.push(row)
  process.stdout.write(`${name.padEnd(34)} ${tool.name.padEnd(14)} ${row.median.toFixed(2)} s${steps === undefined ? '' : `  steps/container ms ${JSON.stringify(steps)}`}\n`)
}

async function main (): Promise<void> {
  const dirs = makeBenchDirs()
  const rootfs = buildBusyboxRootfs(dirs.base)
  const tools: Cli[] = [podctlCli(dirs.base)]
  if (!argv.includes('--no-podman')) {
    tools.push(podmanCli(dirs.base, 'podman', 'netavark'))
    if (argv.includes('--cni')) tools.push(podmanCli(dirs.base, 'podman-cni', 'cni'))
  }
  const rows: Row[] = []
  // Podman's default bridges (netavark: podman0; CNI: cni-podman0) go again if this run made them.
  const hadPodman0 = fs.existsSync('/sys/class/net/podman0')
  const hadCniPodman0 = fs.existsSync('/sys/class/net/cni-podman0')
  try {
    for (const t of tools) {
      if (t.name === 'podctl') await t.run(['image', 'import', rootfs.dir, 'bb'])
      else await t.run(['import', '-q', rootfs.tar, 'bb'])
    }
    for (const t of tools) {
      for (const net of ['default', 'none'] as const) {
        const nw = net === 'none' ? ['--network', 'none'] : []
        for (const n of SIZES) {
          await scenario(rows, `rm -fa ${n}, ${net === 'none' ? '--network none' : 'default network'}`, t, async () => {
            await runPool(n, 4, i => t.run(['run', '-d', ...nw, '--name', `c${i}`, 'bb', ...SLEEP]))
            return n
          }, ['rm', '-fa', '-t', '0'])
        }
        const runs: number[] = []
        for (let r = 0; r < RUNS; r++) {
          runs.push(await timed(async () => { for (let i = 0; i < 50; i++) await t.run(['run', '-d', ...nw, '--name', `r${i}`, 'bb', ...SLEEP]) }))
          await t.close()
        }
        const row: Row = { scenario: `run -d ×50, ${net === 'none' ? '--network none' : 'default network'}`, tool: t.name, seconds: runs, median: median(runs) }
        rows.push(row)
        process.stdout.write(`${row.scenario.padEnd(34)} ${t.name.padEnd(14)} ${row.median.toFixed(2)} s (${(row.median / 50 * 1000).toFixed(0)} ms each)\n`)
      }
      await scenario(rows, 'pod rm -fa 10×4, default network', t, async () => {
        await runPool(10, 2, async p => {
          await t.run(['pod', 'create', '--name', `p${p}`])
          for (let m = 0; m < 4; m++) await t.run(['run', '-d', '--pod', `p${p}`, '--name', `p${p}m${m}`, 'bb', ...SLEEP])
        })
        return 50
      }, ['pod', 'rm', '-fa', '-t', '0'])
    }
  } finally {
    for (const t of tools) await t.close()
    if (!hadPodman0) try { execFileSync('ip', ['link', 'del', 'podman0'], { stdio: 'ignore' }) } catch {}
    if (!hadCniPodman0) try { execFileSync('ip', ['link', 'del', 'cni-podman0'], { stdio: 'ignore' }) } catch {}
    const out = flag('--out')
    if (out !== undefined) {
      const file = path.resolve(import.meta.dirname, 'results', `network-${out}.json`)
      fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), host: { cpus: os.cpus().length, kernel: os.release() }, runs: RUNS, rows }, null, 2) + '\n')
      process.stdout.write(`wrote ${file}\n`)
    }
    fs.rmSync(dirs.base, { recursive: true, force: true })
  }
}

await main()
