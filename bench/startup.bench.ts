// Start-up and single-command latency: podctl next to Podman on Podman's default setup
// (Debian's podman 4.3 with its default netavark network). Every row times whole processes,
// spawn to exit, as a shell script or CI job pays them; the median of --runs samples, in ms.
// A sample's setup (the container an rm removes) and cleanup are untimed, and every sample
// starts from an empty state (only the image). The tools alternate which goes first.
// "podctl ÷ node" compares podctl with the same pattern of `node -e 0` processes, sampled in
// the same row.
//
// podctl: temp --root/--runroot/--cni-config-dir/--cni-cache-dir; its default network
// (`podctl`, bridge podctl0, 10.88.0.0/16) is written into that temp CNI dir on first use.
// Podman: temp --root/--runroot/--tmpdir/--network-config-dir and its default config; the
// only changes are the ones a probe run shows this host needs (printed and saved). Both
// tools run the same busybox image (podctl imports the dir, Podman a tarball of it).
// Every container either tool created is removed by ID from its own temp root, on failure too.
//
// Usage: tsx bench/startup.bench.ts [--runs 10] [--out NAME] [--bin dist/podctl.mjs] [--no-podman] [--keep-env]
//          [--rows KEY,KEY… | --rows startup] [--before OTHER/podctl.mjs]
// --rows runs only those rows (keys as in the JSON; `startup` = node-floor, version, ps-empty,
// create-none, rm-created); node -e 0 always runs first, as the floor. --before times a second
// podctl build (its own temp root) in the same rows, alternating with --bin, so that a
// before/after comparison sees the same machine load; only rows without a network take it.
// Writes bench/results/startup-<date>-<NAME>.json and .txt (this console output).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { buildBusyboxRootfs } from './real-tools.js'

const IMAGE = 'bb'
const SLEEP = ['sleep', '1000']
const PROC_TIMEOUT_MS = 120_000
const LOOP_RUN = 50
const LOOP_RM = 20
const STRESS = [1, 4, 16]

// ---- console and the .txt copy ----------------------------------------------------------

const lines: string[] = []
function log (s = ''): void {
  console.log(s)
  lines.push(s)
}

// ---- processes -----------------------------------------------------------------------------

let aborted = false
const live = new Set<ChildProcess>()

interface Proc { ms: number, code: number | null, signal: string | null, stdout: string, stderr: string }

// Spawn to exit, in ms. Resolves when stdio closes too (a daemonised child holding the pipe
// is cut off 5 s after the process exits).
function spawnTimed (file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Proc> {
  return new Promise((resolve, reject) => {
    if (aborted) { reject(new Error('aborted')); return }
    let out = ''; let err = ''; let ms = NaN
    const t0 = performance.now()
    const child = spawn(file, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    live.add(child)
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), PROC_TIMEOUT_MS)
    child.on('error', e => { clearTimeout(timer); live.delete(child); reject(e) })
    child.on('exit', () => {
      ms = performance.now() - t0
      clearTimeout(timer)
      live.delete(child)
      setTimeout(() => { child.stdout.destroy(); child.stderr.destroy() }, 5000).unref()
    })
    child.on('close', (code, signal) => resolve({ ms, code, signal, stdout: out, stderr: err }))
  })
}

function firstErrorLine (p: Proc): string {
  const l = p.stderr.split('\n').map(s => s.trim()).filter(Boolean)
  return l.find(s => /^Error/i.test(s)) ?? l[0] ?? `exit ${String(p.code ?? p.signal)}`
}

// ---- the two CLIs --------------------------------------------------------------------------

interface Cli {
  name: 'podctl' | 'podman' | 'podctl-before'
  exec: (args: string[]) => Promise<Proc>
  // Containers created and not yet removed, by full ID.
  ids: Set<string>
  sweepCount: number
}

class CommandFailed extends Error {}

const ID_RE = /^[0-9a-f]{64}$/

function idOf (p: Proc): string | undefined {
  return p.stdout.split('\n').map(s => s.trim()).filter(Boolean).reverse().find(s => ID_RE.test(s))
}

// One command that must succeed; a create/run's ID is tracked for cleanup.
async function cmd (t: Cli, args: string[]): Promise<Proc> {
  const p = await t.exec(args)
  const id = (args[0] === 'run' || args[0] === 'create') ? idOf(p) : undefined
  if (id !== undefined) t.ids.add(id)
  if (p.code !== 0) throw new CommandFailed(`${t.name} ${args.join(' ')}: ${firstErrorLine(p)}`)
  if ((args[0] === 'run' || args[0] === 'create') && id === undefined) throw new CommandFailed(`${t.name} ${args.join(' ')}: no container ID in its output`)
  return p
}

async function created (t: Cli, args: string[]): Promise<{ ms: number, id: string }> {
  const p = await cmd(t, args)
  return { ms: p.ms, id: idOf(p)! }
}

async function removed (t: Cli, args: string[], ids: string[]): Promise<number> {
  const p = await cmd(t, args)
  for (const id of ids) t.ids.delete(id)
  return p.ms
}

// Untimed: removes the given containers (default: every tracked one) by ID.
async function cleanup (t: Cli, ids = [...t.ids]): Promise<void> {
  if (ids.length === 0) return
  await removed(t, ['rm', '-f', '-t', '0', ...ids], ids)
}

// Untimed: every container in the tool's own temp root (only this bench uses it), by ID.
async function sweep (t: Cli): Promise<void> {
  t.sweepCount++
  const p = await cmd(t, ['ps', '-aq', '--no-trunc'])
  const ids = [...new Set([...p.stdout.split('\n').map(s => s.trim()).filter(s => ID_RE.test(s)), ...t.ids])]
  if (ids.length > 0) await removed(t, ['rm', '-f', '-i', '-t', '0', ...ids], ids)
  const left = (await cmd(t, ['ps', '-aq', '--no-trunc'])).stdout.trim()
  if (left !== '') throw new Error(`${t.name}: containers left after cleanup: ${left.split('\n').join(' ')}`)
}

// Runs fn(i) for i < n, `width` at a time.
async function pool (n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => { while (next < n) await fn(next++) }))
}

// ---- Podman's default setup, and the changes this host needs ------------------------------

interface Override { section: string, line: string, match: RegExp, why: string }

// Each is applied only when the probe run fails with its error.
const OVERRIDES: Override[] = [
  {
    section: 'containers',
    line: 'default_ulimits = []',
    match: /rlimit/i,
    why: 'the default nofile=1048576 ulimit needs CAP_SYS_RESOURCE, which this host lacks (hard limit lower)',
  },
  {
    section: 'engine',
    line: 'runtime = "runc"',
    match: /crun: cgroups in hybrid mode not supported/,
    why: 'the default runtime crun refuses this host\'s cgroup v1/v2 hybrid hierarchy',
  },
]

const DISTRO_CONF = '/usr/share/containers/containers.conf'

function writeContainersConf (file: string, applied: Override[]): void {
  let text = fs.existsSync(DISTRO_CONF) ? fs.readFileSync(DISTRO_CONF, 'utf8') : ''
  for (const o of applied) {
    const key = o.line.split('=')[0]!.trim()
    if (new RegExp(`^\\s*${key}\\s*=`, 'm').test(text)) throw new Error(`${DISTRO_CONF} already sets ${key}`)
    const header = new RegExp(`^\\[${o.section}\\]\\s*$`, 'm')
    text = header.test(text) ? text.replace(header, m => `${m}\n${o.line}`) : `${text}\n[${o.section}]\n${o.line}\n`
  }
  fs.writeFileSync(file, text)
}

interface PodmanSetup {
  version: string
  networkBackend: string
  ociRuntime: string
  cgroupManager: string
  cgroupsVersion: string
  eventLogger: string
  defaultNetwork: string
  overrides: Array<{ line: string, why: string, error: string }>
  storage: string
}

// ---- rows -----------------------------------------------------------------------------------

type Shape = { kind: 'single' } | { kind: 'loop', n: number } | { kind: 'stress', n: number }

interface Row {
  key: string
  label: string
  shape: Shape
  // One sample: untimed setup, the timed part (returned, ms), untimed cleanup.
  sample?: (t: Cli, r: number) => Promise<number>
}

const runNet = (name?: string): string[] => ['run', '-d', ...(name === undefined ? [] : ['--name', name]), IMAGE, ...SLEEP]

const ROWS: Row[] = [
  { key: 'node-floor', label: 'node -e 0 (the floor)', shape: { kind: 'single' } },
  { key: 'version', label: '--version', shape: { kind: 'single' }, sample: async t => (await cmd(t, ['--version'])).ms },
  { key: 'ps-empty', label: 'ps -a (empty state)', shape: { kind: 'single' }, sample: async t => (await cmd(t, ['ps', '-a'])).ms },
  {
    key: 'create-none',
    label: 'create --network none IMAGE true',
    shape: { kind: 'single' },
    sample: async t => {
      const c = await created(t, ['create', '--network', 'none', IMAGE, 'true'])
      await removed(t, ['rm', c.id], [c.id])
      return c.ms
    },
  },
  {
    key: 'rm-created',
    label: 'rm of a created container',
    shape: { kind: 'single' },
    sample: async t => {
      const c = await created(t, ['create', '--network', 'none', IMAGE, 'true'])
      return removed(t, ['rm', c.id], [c.id])
    },
  },
  {
    key: 'run-none',
    label: 'run -d --network none IMAGE sleep 1000',
    shape: { kind: 'single' },
    sample: async t => {
      const c = await created(t, ['run', '-d', '--network', 'none', IMAGE, ...SLEEP])
      await cleanup(t, [c.id])
      return c.ms
    },
  },
  {
    key: 'run-net',
    label: 'run -d, default network',
    shape: { kind: 'single' },
    sample: async t => {
      const c = await created(t, runNet())
      await cleanup(t, [c.id])
      return c.ms
    },
  },
  {
    key: 'rm-net',
    label: 'rm -f -t 0 of one running, default network',
    shape: { kind: 'single' },
    sample: async t => {
      const c = await created(t, runNet())
      return removed(t, ['rm', '-f', '-t', '0', c.id], [c.id])
    },
  },
  {
    key: `run-loop-${LOOP_RUN}`,
    label: `${LOOP_RUN} × run -d in a loop, default network (total)`,
    shape: { kind: 'loop', n: LOOP_RUN },
    sample: async t => {
      const ids: string[] = []
      const t0 = performance.now()
      for (let i = 0; i < LOOP_RUN; i++) ids.push((await created(t, runNet())).id)
      const ms = performance.now() - t0
      await cleanup(t, ids)
      return ms
    },
  },
  {
    key: `rm-loop-${LOOP_RM}`,
    label: `${LOOP_RM} × rm -f -t 0 NAME in a loop, default network (total)`,
    shape: { kind: 'loop', n: LOOP_RM },
    sample: async (t, r) => {
      const made: Array<{ name: string, id: string }> = []
      await pool(LOOP_RM, 4, async i => {
        const name = `rmloop-${r}-${i}`
        made.push({ name, id: (await created(t, runNet(name))).id })
      })
      made.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
      const t0 = performance.now()
      for (const c of made) await removed(t, ['rm', '-f', '-t', '0', c.name], [c.id])
      return performance.now() - t0
    },
  },
  ...STRESS.map((n): Row => ({
    key: `ci-stress-${n}`,
    label: `CI stress: ${n} × (run -d; rm -f -t 0) at once (wall)`,
    shape: { kind: 'stress', n },
    sample: async (t, r) => {
      const t0 = performance.now()
      const results = await Promise.allSettled(Array.from({ length: n }, async (_, i) => {
        const name = `ci${n}-${r}-${i}`
        const c = await created(t, runNet(name))
        await removed(t, ['rm', '-f', '-t', '0', name], [c.id])
      }))
      const ms = performance.now() - t0
      const failed = results.find(x => x.status === 'rejected')
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
      return ms
    },
  })),
]

// The same pattern of processes, each `node -e 0`.
async function floorSample (shape: Shape, exec: () => Promise<Proc>): Promise<number> {
  const t0 = performance.now()
  if (shape.kind === 'single') return (await exec()).ms
  if (shape.kind === 'loop') for (let i = 0; i < shape.n; i++) await exec()
  else await Promise.all(Array.from({ length: shape.n }, async () => { await exec(); await exec() }))
  return performance.now() - t0
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

interface ToolResult { ms: number[], median: number, failures: string[] }
interface RowResult { key: string, label: string, shape: Shape, floor: ToolResult, podctl?: ToolResult, podman?: ToolResult, before?: ToolResult, podmanOverPodctl?: number, podctlOverFloor?: number, beforeOverPodctl?: number, loadavgAfter?: number[] }

const fmtMs = (x: number | undefined): string => x === undefined || Number.isNaN(x) ? '—' : x >= 1000 ? x.toFixed(0) : x.toFixed(1)
const fmtX = (x: number | undefined): string => x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`

function rowLine (r: RowResult, withBefore: boolean): string {
  const cell = (x: ToolResult | undefined): string => x === undefined ? '—' : x.ms.length === 0 ? 'FAILED' : fmtMs(x.median)
  const before = withBefore ? ` ${cell(r.before).padStart(9)} ${fmtX(r.beforeOverPodctl).padStart(9)}` : ''
  return `${r.label.padEnd(58)} ${cell(r.podctl).padStart(9)} ${cell(r.podman).padStart(9)} ${fmtX(r.podmanOverPodctl).padStart(9)} ${fmtX(r.podctlOverFloor).padStart(9)}${before}`
}

const STARTUP_ROWS = ['node-floor', 'version', 'ps-empty', 'create-none', 'rm-created']
const NETWORK_FREE_ROWS = new Set([...STARTUP_ROWS, 'run-none'])

// --rows: the chosen rows in table order, node -e 0 (the floor) first.
function chooseRows (raw: string | undefined): Row[] {
  if (raw === undefined) return ROWS
  const keys = new Set(raw.split(',').flatMap(k => k === 'startup' ? STARTUP_ROWS : [k.trim()]).filter(Boolean))
  const unknown = [...keys].filter(k => !ROWS.some(r => r.key === k))
  if (unknown.length > 0) throw new Error(`--rows: unknown row ${unknown.join(', ')}; rows: ${ROWS.map(r => r.key).join(', ')}, or startup`)
  keys.add('node-floor')
  return ROWS.filter(r => keys.has(r.key))
}

// A podctl build: run with node when it is a script, else as the program it is (the launcher).
function podctlExec (bin: string, globals: string[], env: NodeJS.ProcessEnv, cwd: string): (args: string[]) => Promise<Proc> {
  return /\.[cm]?js$/.test(bin)
    ? args => spawnTimed(process.execPath, [bin, ...globals, ...args], env, cwd)
    : args => spawnTimed(bin, [...globals, ...args], env, cwd)
}

// ---- host bits --------------------------------------------------------------------------------

function linkExists (name: string): boolean { return fs.existsSync(`/sys/class/net/${name}`) }
function bridgePorts (name: string): string[] {
  try { return fs.readdirSync(`/sys/class/net/${name}/brif`) } catch { return [] }
}
function sh (file: string, args: string[], env?: NodeJS.ProcessEnv): string {
  try { return execFileSync(file, args, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }).trim() } catch { return '' }
}

// ---- main -------------------------------------------------------------------------------------

async function main (): Promise<void> {
  const started = performance.now()
  const argv = process.argv.slice(2)
  const opt = (flag: string): string | undefined => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined }
  const runs = Number(opt('--runs') ?? 10)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${String(opt('--runs'))}`)
  const outName = opt('--out') ?? 'latest'
  if (!/^[A-Za-z0-9._-]+$/.test(outName)) throw new Error(`--out: a plain name, got ${outName}`)
  const bin = path.resolve(opt('--bin') ?? path.join(import.meta.dirname, '../dist/podctl.mjs'))
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: npm run build`)
  const rows = chooseRows(opt('--rows'))
  const beforeBin = opt('--before') === undefined ? undefined : path.resolve(opt('--before')!)
  if (beforeBin !== undefined && !fs.existsSync(beforeBin)) throw new Error(`--before: ${beforeBin} missing`)
  if (beforeBin !== undefined && rows.some(r => !NETWORK_FREE_ROWS.has(r.key))) throw new Error(`--before takes only rows without a network (${[...NETWORK_FREE_ROWS].join(', ')}): both builds would share the default bridge and its IPAM`)
  const needsNetwork = rows.some(r => !NETWORK_FREE_ROWS.has(r.key))
  const date = new Date().toISOString().slice(0, 10)
  const resultsDir = path.join(import.meta.dirname, 'results')
  const outBase = path.join(resultsDir, `startup-${date}-${outName}`)

  process.on('SIGINT', () => {
    if (aborted) process.exit(130)
    aborted = true
    console.error('interrupted: cleaning up (again to exit at once)')
  })

  const repo = path.resolve(import.meta.dirname, '..')
  const host = {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(), node: process.version, runc: sh('runc', ['--version']).split('\n')[0] ?? '',
    conmon: sh('conmon', ['--version']).split('\n')[0] ?? '', loadavgAtStart: os.loadavg(),
  }
  const binInfo = {
    path: bin,
    sha256: crypto.createHash('sha256').update(fs.readFileSync(bin)).digest('hex'),
    mtime: fs.statSync(bin).mtime.toISOString(),
    repoHead: sh('git', ['-C', repo, 'rev-parse', 'HEAD']),
    repoDirtyFiles: sh('git', ['-C', repo, 'status', '--porcelain']).split('\n').filter(Boolean).length,
  }
  log(`startup bench: ${runs} runs per row, ${new Date().toISOString()}`)
  log(`host: ${host.cpus} × ${host.cpuModel}, ${host.memGiB} GiB, kernel ${host.kernel}, node ${host.node}, ${host.runc}, ${host.conmon}; load average at start ${host.loadavgAtStart.map(x => x.toFixed(2)).join(' ')}`)
  log(`podctl: ${bin} (sha256 ${binInfo.sha256.slice(0, 12)}, built ${binInfo.mtime}; repo HEAD ${binInfo.repoHead.slice(0, 12)}, ${binInfo.repoDirtyFiles} changed files in the work tree)`)
  const beforeInfo = beforeBin === undefined ? undefined : { path: beforeBin, sha256: crypto.createHash('sha256').update(fs.readFileSync(beforeBin)).digest('hex'), mtime: fs.statSync(beforeBin).mtime.toISOString() }
  if (beforeInfo !== undefined) log(`podctl-before: ${beforeInfo.path} (sha256 ${beforeInfo.sha256.slice(0, 12)}, built ${beforeInfo.mtime}), alternating with podctl in every row`)
  if (rows.length < ROWS.length) log(`rows: ${rows.map(r => r.key).join(', ')} (--rows)`)

  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-startupbench-'))
  const rootfs = buildBusyboxRootfs(base)
  const cwd = path.join(base, 'cwd')
  fs.mkdirSync(cwd)
  const bridgesBefore = { podctl0: linkExists('podctl0'), podman0: linkExists('podman0') }

  // NODE_EXTRA_CA_CERTS makes Node 20 read that CA file at every start (tens of ms); podctl
  // makes no TLS connections, so every process runs without it (--keep-env keeps it).
  const childEnv: NodeJS.ProcessEnv = { ...process.env }
  const dropped = argv.includes('--keep-env') ? [] : ['NODE_EXTRA_CA_CERTS'].filter(k => childEnv[k] !== undefined)
  for (const k of dropped) delete childEnv[k]
  const node: () => Promise<Proc> = () => spawnTimed(process.execPath, ['-e', '0'], childEnv, cwd)
  let withDropped: number | undefined
  if (dropped.length > 0) {
    const xs: number[] = []
    for (let i = 0; i < 5; i++) xs.push((await spawnTimed(process.execPath, ['-e', '0'], process.env, cwd)).ms)
    withDropped = median(xs)
    log(`environment: ${dropped.join(', ')} removed for every process (node -e 0 with it: ${fmtMs(withDropped)} ms, median of 5)`)
  }

  const pd = path.join(base, 'podctl')
  const podctlGlobals = ['--root', `${pd}/root`, '--runroot', `${pd}/run`, '--cni-config-dir', `${pd}/cni`, '--cni-cache-dir', `${pd}/cache`]
  const podctl: Cli = { name: 'podctl', ids: new Set(), sweepCount: 0, exec: podctlExec(bin, podctlGlobals, childEnv, cwd) }
  const bd = path.join(base, 'podctl-before')
  const before: Cli | undefined = beforeBin === undefined
    ? undefined
    : { name: 'podctl-before', ids: new Set(), sweepCount: 0, exec: podctlExec(beforeBin, ['--root', `${bd}/root`, '--runroot', `${bd}/run`, '--cni-config-dir', `${bd}/cni`, '--cni-cache-dir', `${bd}/cache`], childEnv, cwd) }

  let podman: Cli | undefined
  let podmanSetup: PodmanSetup | undefined
  const tools: Cli[] = before === undefined ? [podctl] : [podctl, before]
  const results: RowResult[] = []
  const warm: Record<string, Record<string, number | string>> = {}
  const cleanupReport: string[] = []
  let podctlNetwork = ''
  try {
    await cmd(podctl, ['image', 'import', rootfs.dir, IMAGE])
    if (before !== undefined) await cmd(before, ['image', 'import', rootfs.dir, IMAGE])
    if (!argv.includes('--no-podman') && sh('podman', ['--version']) !== '') {
      const md = path.join(base, 'podman')
      fs.mkdirSync(md)
      const conf = path.join(md, 'containers.conf')
      const env = { ...childEnv, CONTAINERS_CONF: conf }
      const globals = ['--root', `${md}/root`, '--runroot', `${md}/run`, '--tmpdir', `${md}/tmp`, '--network-config-dir', `${md}/net`]
      const pm: Cli = { name: 'podman', ids: new Set(), sweepCount: 0, exec: args => spawnTimed('podman', [...globals, ...args], env, cwd) }
      podman = pm
      tools.push(pm)
      // The distro's containers.conf as is (CONTAINERS_CONF replaces the lookup, so the
      // file carries every change); then the probe adds only what fails without it.
      const applied: Array<Override & { error: string }> = []
      writeContainersConf(conf, applied)
      await cmd(pm, ['import', '-q', rootfs.tar, IMAGE])
      for (;;) {
        const p = await pm.exec(['run', '--rm', '--network', 'none', IMAGE, 'true'])
        await sweep(pm)
        if (p.code === 0) break
        const err = firstErrorLine(p)
        const fix = OVERRIDES.find(o => o.match.test(err) && !applied.some(a => a.line === o.line))
        if (fix === undefined) throw new Error(`podman cannot run a container on this host: ${err}`)
        applied.push({ ...fix, error: err })
        writeContainersConf(conf, applied)
      }
      const info = (f: string): string => sh('podman', [...globals, 'info', '--format', f], env)
      podmanSetup = {
        version: sh('podman', ['--version']),
        networkBackend: info('{{.Host.NetworkBackend}}'),
        ociRuntime: info('{{.Host.OCIRuntime.Name}}'),
        cgroupManager: info('{{.Host.CgroupManager}}'),
        cgroupsVersion: info('{{.Host.CgroupsVersion}}'),
        eventLogger: info('{{.Host.EventLogger}}'),
        defaultNetwork: sh('podman', [...globals, 'network', 'inspect', 'podman', '--format', '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{range .Subnets}}{{.Subnet}}{{end}}'], env),
        overrides: applied.map(o => ({ line: `[${o.section}] ${o.line}`, why: o.why, error: o.error })),
        storage: `temp --root, --runroot, --tmpdir and --network-config-dir under ${md}`,
      }
      log(`podman: ${podmanSetup.version}; network backend ${podmanSetup.networkBackend} (podman info), default network ${podmanSetup.defaultNetwork}; runtime ${podmanSetup.ociRuntime}, cgroup manager ${podmanSetup.cgroupManager}, cgroups ${podmanSetup.cgroupsVersion}, events ${podmanSetup.eventLogger}`)
      log(`podman: ${podmanSetup.storage}; default config (${DISTRO_CONF}) ${applied.length === 0 ? 'unchanged' : 'plus what this host needs to run a container at all:'}`)
      for (const o of podmanSetup.overrides) log(`  ${o.line}: ${o.why} (without it: ${o.error})`)
      for (const f of ['/etc/containers/containers.conf', '/etc/containers/containers.conf.d']) if (fs.existsSync(f)) log(`WARNING: ${f} exists and is not read under CONTAINERS_CONF`)
      if (podmanSetup.networkBackend !== 'netavark') log(`WARNING: Podman's network backend is ${podmanSetup.networkBackend}, not netavark`)
    } else {
      log('podman: not used (--no-podman, or not installed: bash scripts/bench-setup.sh installs it)')
    }

    // Untimed warm-up: first use writes podctl's default network and state, Podman's
    // migrations; each command once. The first default-network run is saved as "cold".
    for (const t of tools) {
      warm[t.name] = {}
      const w = warm[t.name]!
      if (needsNetwork) {
        const first = await created(t, runNet())
        w['first run -d, default network'] = first.ms
        await cleanup(t)
      }
      w['--version output'] = (await cmd(t, ['--version'])).stdout.trim()
      for (const args of [['ps', '-a'], ['create', '--network', 'none', IMAGE, 'true'], ['run', '-d', '--network', 'none', IMAGE, ...SLEEP], ...(needsNetwork ? [runNet()] : [])]) await cmd(t, args)
      await cleanup(t)
      await sweep(t)
    }
    if (needsNetwork) {
      podctlNetwork = (await cmd(podctl, ['network', 'inspect', 'podctl', '--format', '{{.Name}} {{.Driver}} {{.NetworkInterface}}'])).stdout.trim()
      log(`podctl: temp --root, --runroot, --cni-config-dir, --cni-cache-dir under ${pd}; default network ${podctlNetwork} (${fs.readdirSync(`${pd}/cni`).join(', ')})`)
      log(`first run -d on the default network after import (untimed warm-up, not in the table): ${tools.map(t => `${t.name} ${fmtMs(warm[t.name]!['first run -d, default network'] as number)} ms`).join(', ')}`)
    } else {
      log(`podctl: temp --root, --runroot, --cni-config-dir, --cni-cache-dir under ${pd}; no row uses a network (none set up)`)
    }
    log(`--version prints: ${tools.map(t => `${t.name} ${JSON.stringify(warm[t.name]!['--version output'])}`).join(', ')}`)
    log(`processes run in ${cwd}; every sample starts with no containers (only the image)`)
    if (podman !== undefined) log('not isolated by Podman 4.3\'s flags: netavark\'s IPAM db (/run/containers/networks) and its iptables chains are host-wide')
    log()
    log(`${`row (median of ${runs}, ms)`.padEnd(58)} ${'podctl'.padStart(9)} ${'Podman'.padStart(9)} ${'Pm÷pctl'.padStart(9)} ${'pctl÷node'.padStart(9)}${before === undefined ? '' : ` ${'before'.padStart(9)} ${'bef÷pctl'.padStart(9)}`}`)

    for (const row of rows) {
      const floor: ToolResult = { ms: [], median: NaN, failures: [] }
      const per = new Map<string, ToolResult>(tools.map(t => [t.name, { ms: [], median: NaN, failures: [] }]))
      for (let r = 0; r < runs; r++) {
        if (aborted) throw new Error('aborted')
        // The floor in every row, beside the tools (a loaded machine drifts), order alternating.
        floor.ms.push(await floorSample(row.shape, node))
        const sample = row.sample
        if (sample === undefined) continue
        for (const t of r % 2 === 0 ? tools : [...tools].reverse()) {
          const res = per.get(t.name)!
          try {
            res.ms.push(await sample(t, r))
          } catch (err) {
            if (aborted || !(err instanceof CommandFailed)) throw err
            res.failures.push(err.message)
            await sweep(t)
          }
        }
      }
      floor.median = median(floor.ms)
      for (const res of per.values()) res.median = median(res.ms)
      const rr: RowResult = { key: row.key, label: row.label, shape: row.shape, floor }
      if (row.sample === undefined) rr.podctl = floor
      else {
        rr.podctl = per.get('podctl')
        if (podman !== undefined) rr.podman = per.get('podman')
        if (rr.podman !== undefined && rr.podctl !== undefined) rr.podmanOverPodctl = rr.podman.median / rr.podctl.median
        if (before !== undefined) rr.before = per.get('podctl-before')
        if (rr.before !== undefined && rr.podctl !== undefined) rr.beforeOverPodctl = rr.before.median / rr.podctl.median
      }
      if (rr.podctl !== undefined) rr.podctlOverFloor = rr.podctl.median / floor.median
      rr.loadavgAfter = os.loadavg()
      results.push(rr)
      log(rowLine(rr, before !== undefined))
      for (const [name, res] of per) if (res.failures.length > 0) log(`  ${name}: ${res.failures.length} of ${runs} samples failed; first: ${res.failures[0]}`)
    }
  } finally {
    // Every container either tool created, by ID from its own temp root; then mounts, dirs,
    // and a default bridge only when this run created it and nothing is attached to it.
    const wasAborted = aborted
    aborted = false
    for (const t of tools) {
      try { await sweep(t); cleanupReport.push(`${t.name}: no containers left`) } catch (err) { cleanupReport.push(`${t.name} cleanup FAILED: ${String(err)}`) }
    }
    for (const l of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const target = l.split(' ')[1]
      if (target?.startsWith(base) === true) { sh('umount', ['-l', target]); cleanupReport.push(`unmounted ${target}`) }
    }
    for (const br of ['podctl0', 'podman0'] as const) {
      if (bridgesBefore[br] || !linkExists(br)) continue
      if (bridgePorts(br).length === 0) { sh('ip', ['link', 'del', br]); cleanupReport.push(`deleted bridge ${br} (created by this run)`) } else cleanupReport.push(`left bridge ${br}: ports attached (${bridgePorts(br).join(' ')})`)
    }
    try { fs.rmSync(base, { recursive: true, force: true }) } catch (err) { cleanupReport.push(`leaving ${base}: ${String(err)}`) }
    fs.rmSync(rootfs.dir, { recursive: true, force: true })
    if (wasAborted) aborted = true
    log(`cleanup: ${cleanupReport.join('; ')}`)
  }

  const seconds = (performance.now() - started) / 1000
  log()
  log('Pm÷pctl: Podman ms ÷ podctl ms (above 1: podctl faster). pctl÷node: podctl ÷ the same pattern of `node -e 0` processes.')
  if (before !== undefined) log('before: the --before build; bef÷pctl: its ms ÷ podctl ms (above 1: podctl faster than before).')
  log(`bench took ${seconds.toFixed(0)} s; load average at end ${os.loadavg().map(x => x.toFixed(2)).join(' ')}`)
  fs.mkdirSync(resultsDir, { recursive: true })
  const json = {
    host, runs, date: new Date().toISOString(), benchSeconds: seconds, podctl: { ...binInfo, defaultNetwork: podctlNetwork, storage: `temp --root, --runroot, --cni-config-dir, --cni-cache-dir` }, podctlBefore: beforeInfo,
    environment: { removed: dropped, nodeFloorWithRemovedMs: withDropped }, podman: podmanSetup, warmup: warm, cleanup: cleanupReport, rows: results,
  }
  fs.writeFileSync(`${outBase}.json`, JSON.stringify(json, null, 2) + '\n')
  log(`wrote ${outBase}.json and .txt`)
  fs.writeFileSync(`${outBase}.txt`, lines.join('\n') + '\n')
}

try {
  await main()
} catch (err) {
  console.error(err)
  for (const c of live) c.kill('SIGKILL')
  process.exit(1)
}
