import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { runCli } from '../../../src/cli/cli.js'
import { importBusyboxImage } from '../../helpers/busybox-rootfs.js'
import { destroyTestHost } from '../../helpers/container-cleanup.js'
import type { TestHost } from '../../helpers/host.js'
import { createTestHost, hostArgs } from '../../helpers/host.js'

// PODCTL_BENCH_BIN: a private build, so a long run is not disturbed by a rebuild of dist/.
export const PODCTL_BIN = process.env['PODCTL_BENCH_BIN'] ?? path.resolve(import.meta.dirname, '../../../dist/podctl.mjs')

export interface Run { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number }

export interface BenchHost {
  host: TestHost
  args: string[]
  // Networks made for the run: removed (with their bridges) by destroyBenchHost.
  networks: string[]
}

// A host on temp dirs with the busybox image imported. The built CLI (dist) must exist.
export async function createBenchHost (): Promise<BenchHost> {
  if (!fs.existsSync(PODCTL_BIN)) throw new Error(`${PODCTL_BIN} is missing: run npm run build first`)
  const host = createTestHost({ log: false })
  await importBusyboxImage(host)
  return { host, args: hostArgs(host), networks: [] }
}

// Runs podctl in its own process; killAfterMs: SIGKILL it after that many ms.
export function spawnPodctl (b: BenchHost, args: string[], opts: { env?: NodeJS.ProcessEnv, killAfterMs?: number, timeoutMs?: number } = {}): Promise<Run> {
  const started = Date.now()
  const child = spawn(process.execPath, [PODCTL_BIN, ...b.args, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''; let stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  const timers = [setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000)]
  if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs))
  return new Promise(resolve => child.on('close', (code, signal) => {
    for (const t of timers) clearTimeout(t)
    resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
  }))
}

// Runs podctl in this process (fast setup of host state).
export async function inProcess (b: BenchHost, args: string[]): Promise<Run> {
  let stdout = ''; let stderr = ''
  const started = Date.now()
  const code = await runCli([...b.args, ...args], { stdout: s => { stdout += s }, stderr: s => { stderr += s }, signal: new AbortController().signal })
  return { code, signal: null, stdout, stderr, ms: Date.now() - started }
}

// Must succeed; throws with podctl's stderr otherwise.
export async function must (b: BenchHost, args: string[]): Promise<string> {
  const r = await inProcess(b, args)
  if (r.code !== 0) throw new Error(`podctl ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`)
  return r.stdout.trim()
}

// A network with a unique name and bridge on a random /24 in 10.100-199.x.
export async function createNetwork (b: BenchHost, prefix: string): Promise<string> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`
  const r = randomBytes(2)
  b.networks.push(name)
  await must(b, ['network', 'create', '--subnet', `10.${100 + (r[0]! % 100)}.${r[1]!}.0/24`, '--interface-name', `${name}br`, name])
  return name
}

// Removes everything the run made: containers, pods, networks and bridges, mounts, the dirs.
export async function destroyBenchHost (b: BenchHost): Promise<void> {
  try {
    await inProcess(b, ['pod', 'rm', '-fa', '-t', '0'])
    await inProcess(b, ['rm', '-fa', '-t', '0'])
    for (const n of b.networks) await inProcess(b, ['network', 'rm', '-f', n])
    await inProcess(b, ['system', 'check', '--repair'])
  } catch (err) {
    process.stderr.write(`cleanup: ${String(err)}\n`)
  }
  for (const n of b.networks) {
    await new Promise(resolve => spawn('ip', ['link', 'del', `${n}br`], { stdio: 'ignore' }).on('close', resolve))
  }
  await destroyTestHost(b.host)
}
