// The two CLIs the real bench drives, each on its own temp root, run, CNI and config dirs.
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { buildBusyboxRootfs as buildRootfsDir } from '../test/helpers/busybox-rootfs.js'

export interface BenchDirs { base: string }

export interface TimedResult { seconds: number, steps?: Record<string, number>, failed?: string }

export interface Tool {
  name: string
  ok (args: string[]): Promise<string>
  // One command, or several started at once (timed until the last ends).
  timed (args: string[] | string[][]): Promise<TimedResult>
  // Removes every container and pod so the next run starts from an empty host.
  reset (): Promise<void>
  // The tool's bridge network for networked scenarios (created on first use).
  network (): Promise<string>
  // reset, then removes the network and its bridge.
  close (): Promise<void>
}

// One bridge network per tool, on distinct subnets and bridge names, so the two tools never
// share an IPAM range, a bridge or a route. The bridge is read back from inspect (Podman
// 4.3 has no --interface-name) and deleted when the network goes.
function benchNetwork (tool: string, subnet: string, run: (args: string[]) => Promise<{ stdout: string }>): { get: () => Promise<string>, remove: () => Promise<void> } {
  const name = `bench-${tool}-${process.pid}`
  let created: Promise<string> | undefined
  return {
    get: async () => {
      await (created ??= (async () => {
        await run(['network', 'create', '--subnet', subnet, name])
        const inspected = JSON.parse((await run(['network', 'inspect', name])).stdout) as Array<Record<string, unknown>>
        const bridge = inspected[0]?.['network_interface'] ?? inspected[0]?.['NetworkInterface']
        if (typeof bridge !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`${tool} network inspect ${name}: no bridge name`)
        return bridge
      })())
      return name
    },
    remove: async () => {
      if (created === undefined) return
      const bridge = await created.catch(() => undefined)
      await run(['network', 'rm', '-f', name])
      if (bridge !== undefined) try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }) } catch {}
      // Podman leaves host-local's dir (lock, last_reserved_ip) behind; podctl removes it.
      fs.rmSync(path.join('/var/lib/cni/networks', name), { recursive: true, force: true })
    },
  }
}

export function makeBenchDirs (): BenchDirs {
  return { base: fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-realbench-')) }
}

// A busybox rootfs dir plus a tarball of it (podman imports tarballs).
export function buildBusyboxRootfs (base: string): { dir: string, tar: string } {
  const dir = buildRootfsDir()
  const tar = path.join(base, 'busybox.tar')
  execFileSync('tar', ['-C', dir, '-cf', tar, '.'])
  return { dir, tar }
}

function exec (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20, timeout: 15 * 60_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${err.message}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })
}

export async function runPool (n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await fn(next++)
  }))
}

interface StepEvent { ts: number, container: string, step: string }

// Sums, over all containers, the time between consecutive step events (ms).
function stepBreakdown (events: StepEvent[]): Record<string, number> {
  const byContainer = new Map<string, StepEvent[]>()
  for (const e of events) byContainer.set(e.container, [...(byContainer.get(e.container) ?? []), e])
  const sums: Record<string, number> = {}
  for (const evs of byContainer.values()) {
    evs.sort((a, b) => a.ts - b.ts)
    for (let i = 1; i < evs.length; i++) sums[evs[i]!.step] = (sums[evs[i]!.step] ?? 0) + (evs[i]!.ts - evs[i - 1]!.ts)
  }
  return sums
}

export function podctlTool (dirs: BenchDirs, rootfs: { dir: string }): Tool {
  const d = path.join(dirs.base, 'podctl')
  const bin = path.resolve(import.meta.dirname, '../dist/podctl.mjs')
  const globals = ['--root', `${d}/root`, '--runroot', `${d}/run`, '--cni-config-dir', `${d}/cni`, '--cni-cache-dir', `${d}/cache`]
  const run = (args: string[]): Promise<{ stdout: string, stderr: string }> => exec(process.execPath, [bin, ...globals, ...args], {})
  let imported: Promise<unknown> | undefined
  const net = benchNetwork('podctl', '10.201.0.0/16', run)
  const tool: Tool = {
    name: 'podctl',
    async ok (args) {
      await (imported ??= run(['image', 'import', rootfs.dir, 'bb']))
      return (await run(args)).stdout
    },
    async timed (args) {
      const many = Array.isArray(args[0]) ? args as string[][] : [args as string[]]
      const t0 = performance.now()
      const outs = await Promise.all(many.map(a => run([...a, '--format', 'json'])))
      const seconds = (performance.now() - t0) / 1000
      const events = outs.flatMap(o => (JSON.parse(o.stdout) as { events?: StepEvent[] }).events ?? [])
      return { seconds, steps: stepBreakdown(events) }
    },
    async reset () {
      await run(['pod', 'rm', '-fa', '-t', '0'])
      await run(['rm', '-fa', '-t', '0'])
    },
    network: net.get,
    async close () {
      await tool.reset()
      await net.remove()
    },
  }
  return tool
}

export function podmanTool (dirs: BenchDirs, rootfs: { tar: string }): Tool | undefined {
  try { execFileSync('podman', ['--version'], { stdio: 'ignore' }) } catch { return undefined }
  const d = path.join(dirs.base, 'podman')
  fs.mkdirSync(d, { recursive: true })
  // runc (crun fails on cgroup v1 hybrid hosts) and no raised ulimits.
  const conf = path.join(d, 'containers.conf')
  // CNI, as podctl uses, rather than netavark.
  fs.writeFileSync(conf, '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n[network]\nnetwork_backend = "cni"\n')
  const env = { CONTAINERS_CONF: conf }
  const globals = ['--root', `${d}/root`, '--runroot', `${d}/run`, '--network-config-dir', `${d}/net`]
  const run = (args: string[]): Promise<{ stdout: string, stderr: string }> => exec('podman', [...globals, ...args], env)
  let imported: Promise<unknown> | undefined
  const net = benchNetwork('podman', '10.202.0.0/16', run)
  const tool: Tool = {
    name: 'podman',
    async ok (args) {
      await (imported ??= run(['import', rootfs.tar, 'bb']))
      return (await run(args)).stdout
    },
    async timed (args) {
      const many = Array.isArray(args[0]) ? args as string[][] : [args as string[]]
      const t0 = performance.now()
      try {
        await Promise.all(many.map(a => run(a)))
        return { seconds: (performance.now() - t0) / 1000 }
      } catch (err) {
        // Podman's own first error line (the first line is this wrapper's "Command failed").
        const lines = String(err).split('\n').slice(1)
        const first = lines.find(l => l.startsWith('Error:')) ?? lines.find(l => l.trim() !== '')
        return { seconds: (performance.now() - t0) / 1000, failed: first ?? 'failed' }
      }
    },
    // Podman 4.3's rm -fa refuses --requires chains ("has dependent containers"): remove
    // what can go, pass after pass, until nothing is left.
    async reset () {
      await run(['pod', 'rm', '-fa', '-t', '0'])
      for (let pass = 0; pass < 50; pass++) {
        const ids = (await run(['ps', '-aq'])).stdout.split('\n').filter(Boolean)
        if (ids.length === 0) return
        await run(['rm', '-f', '-i', '-t', '0', ...ids]).catch(() => {})
      }
      throw new Error('podman: containers left after 50 removal passes')
    },
    network: net.get,
    async close () {
      await tool.reset()
      await net.remove()
    },
  }
  return tool
}
