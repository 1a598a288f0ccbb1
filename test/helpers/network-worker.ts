// Child process for the multi-process network tests. Usage:
//   network-worker.ts <mode> <json args>   prints one JSON line with what it saw.
// create: runs `podctl network create` (in-process CLI) `count` times without a name or subnet.
// attach: attaches and detaches `cycles` fake containers on `network`, recording each hold.
// churn:  creates and removes its own networks `cycles` times.
// read:   lists networks until `stopFile` exists, counting parse warnings and bad entries.
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

import { runCli } from '../../src/cli/cli.js'
import type { Logger } from '../../src/log.js'
import { parseCidr } from '../../src/network/cidr.js'
import { CNIEnv, inspectNetwork } from '../../src/network/index.js'
import type { CniPaths } from '../../src/network/index.js'

interface Args { paths: CniPaths, worker: number, count?: number, cycles?: number, network?: string, stopFile?: string }

const [mode, raw] = process.argv.slice(2)
const args = JSON.parse(raw!) as Args
const warnings: string[] = []
const log: Logger = { debug () {}, info () {}, warn (m) { warnings.push(m) }, error (m) { warnings.push(m) } }
const env = new CNIEnv({ config: args.paths, log })
const now = (): number => performance.timeOrigin + performance.now()
const out = (v: unknown): void => { process.stdout.write(JSON.stringify(v) + '\n') }

async function create (): Promise<void> {
  Object.assign(process.env, {
    PODCTL_ROOT: path.join(path.dirname(args.paths.cniConfigDir), 'root'), PODCTL_RUNROOT: args.paths.runroot,
    PODCTL_CNI_CONFIG_DIR: args.paths.cniConfigDir, PODCTL_CNI_CACHE_DIR: args.paths.cniCacheDir, PODCTL_CNI_PLUGIN_DIR: args.paths.cniPluginDirs.join(':'),
  })
  const names: string[] = []; let stderr = ''; const codes: number[] = []
  for (let i = 0; i < (args.count ?? 1); i++) {
    let stdout = ''
    codes.push(await runCli(['network', 'create'], { stdout: s => { stdout += s }, stderr: s => { stderr += s }, signal: new AbortController().signal }))
    names.push(stdout.trim())
  }
  out({ names, codes, stderr })
}

async function attach (): Promise<void> {
  const holds: { ip: string, held: [number, number] }[] = []; const errors: string[] = []
  for (let i = 0; i < (args.cycles ?? 1); i++) {
    const cid = `w${args.worker}x${i}x${process.pid}`
    try {
      const res = await env.attach(cid, [{ name: args.network! }])
      const gotAt = now()
      const ip = res.networks[0]!.ips[0]!.split('/')[0]!
      const owner = fs.readFileSync(path.join(args.paths.cniCacheDir, 'networks', args.network!, ip), 'utf8').split(/\s+/)[0]
      if (owner !== cid) errors.push(`${ip} is recorded for ${owner}, not ${cid}`)
      const releasingAt = now()
      holds.push({ ip, held: [gotAt, releasingAt] })
      await env.detach(cid)
    } catch (err) {
      errors.push(`${cid}: ${(err as Error).message}`)
      await env.detach(cid).catch(() => {})
    }
  }
  out({ holds, errors, warnings })
}

async function churn (): Promise<void> {
  let created = 0; let removed = 0; const errors: string[] = []
  for (let i = 0; i < (args.cycles ?? 1); i++) {
    const name = `ch${args.worker}x${i}`
    try {
      await env.create({ name })
      created++
      await env.remove(name)
      removed++
    } catch (err) {
      errors.push((err as Error).message)
    }
  }
  out({ created, removed, errors, warnings })
}

async function read (): Promise<void> {
  let lists = 0; const bad: string[] = []
  for (let i = 0; i < 100_000 && !fs.existsSync(args.stopFile!); i++) {
    const nets = await env.list()
    lists++
    for (const n of nets) {
      const view = inspectNetwork(n)
      if (view.name === '' || n.plugins.length === 0 || view.subnets.length === 0 || view.subnets.some(s => parseCidr(s.subnet) === undefined)) bad.push(n.file)
    }
    await sleep(2)
  }
  out({ lists, bad, warnings })
}

const modes: Record<string, () => Promise<void>> = { create, attach, churn, read }
await modes[mode!]!()
