// The external work under each removal step, measured alone and one at a time: what a
// removal would cost if the tool added nothing. Each sample builds its object untimed
// (a runc container, a CNI attachment, an overlay mount), then times only the teardown.
//   runcDelete  `runc delete` of a stopped container        (step runtime-deleted)
//   runcKill    `runc kill KILL` + wait until stopped       (step stopped, fast-kill path)
//   cniDel      CNI DEL of bridge + portmap, reverse order   (step network-detached)
//   umountExec  the umount(8) command on an overlay mount
//   umount2     the umount2(2) syscall, which podctl calls   (part of storage-removed)
//   runcNoop    one runc exec that finds nothing to do (the floor of any runc call)
// Usage: tsx bench/baselines.ts [--samples 15]   (also called by real.bench.ts)
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { loadLibc } from '../src/libc.js'
import { buildBusyboxRootfs } from '../test/helpers/busybox-rootfs.js'

export interface Baselines { samples: number, runcNoopMs: number, runcKillMs: number, runcDeleteMs: number, cniDelMs: number, umountExecMs: number, umount2Ms: number }

const PLUGIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin']

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function timeMs (fn: () => void): number {
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}

function run (file: string, args: string[], opts: { input?: string, env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(file, args, { input: opts.input, env: opts.env ?? process.env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${String(r.status)} ${r.stderr}${r.stdout}`)
  return r.stdout
}

function sleepMs (ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function runcBaselines (base: string, rootfs: string, n: number): Pick<Baselines, 'runcNoopMs' | 'runcKillMs' | 'runcDeleteMs'> {
  const root = path.join(base, 'runc')
  const bundle = path.join(base, 'bundle')
  fs.mkdirSync(bundle, { recursive: true })
  run('runc', ['spec', '--bundle', bundle])
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean, args: string[] }, root: { path: string, readonly: boolean } }
  spec.process.terminal = false
  spec.process.args = ['sleep', '1000']
  spec.root = { path: rootfs, readonly: true }
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec))
  const noop: number[] = []; const kill: number[] = []; const del: number[] = []
  for (let i = 0; i < n; i++) {
    noop.push(timeMs(() => spawnSync('runc', ['--root', root, 'delete', '--force', 'nonexistent'], { stdio: 'ignore' })))
    const id = `podctl-baseline-${process.pid}-${i}`
    const r = spawnSync('runc', ['--root', root, 'run', '--detach', '--bundle', bundle, id], { stdio: 'ignore' })
    if (r.status !== 0) throw new Error(`runc run ${id} failed (exit ${String(r.status)})`)
    try {
      kill.push(timeMs(() => {
        run('runc', ['--root', root, 'kill', id, 'KILL'])
        for (let t = 0; t < 2000; t++) {
          if ((JSON.parse(run('runc', ['--root', root, 'state', id])) as { status: string }).status === 'stopped') return
          sleepMs(1)
        }
        throw new Error(`runc container ${id} did not stop`)
      }))
      del.push(timeMs(() => run('runc', ['--root', root, 'delete', id])))
    } finally {
      spawnSync('runc', ['--root', root, 'delete', '--force', id], { stdio: 'ignore' })
    }
  }
  return { runcNoopMs: median(noop), runcKillMs: median(kill), runcDeleteMs: median(del) }
}

// The same plugin chain podctl writes for a bridge network: bridge (host-local IPAM), portmap.
function cniDelBaseline (base: string, n: number): number {
  const tag = `${process.pid % 100000}`
  const bridge = `pbl${tag}`
  const dataDir = path.join(base, 'ipam')
  const plugins = [
    { type: 'bridge', bridge, isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.233.0.0/24', gateway: '10.233.0.1' }]], dataDir, routes: [{ dst: '0.0.0.0/0' }] } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ]
  const exec = (cmd: 'ADD' | 'DEL', plugin: Record<string, unknown>, ns: string, id: string, prevResult?: unknown): string => {
    const conf = { cniVersion: '1.0.0', name: `podctl-baseline-${tag}`, ...plugin, ...(prevResult === undefined ? {} : { prevResult }) }
    const bin = PLUGIN_DIRS.map(d => path.join(d, String(plugin['type']))).find(p => fs.existsSync(p))
    if (bin === undefined) throw new Error(`CNI plugin ${String(plugin['type'])} not found in ${PLUGIN_DIRS.join(':')}`)
    const env = { ...process.env, CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: `/var/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: PLUGIN_DIRS.join(':') }
    return run(bin, [], { input: JSON.stringify(conf), env })
  }
  const xs: number[] = []
  try {
    for (let i = 0; i < n; i++) {
      const ns = `podctl-baseline-${tag}-${i}`
      const id = `baseline${tag}x${i}`
      run('ip', ['netns', 'add', ns])
      try {
        const result = JSON.parse(exec('ADD', plugins[0]!, ns, id)) as unknown
        const final = JSON.parse(exec('ADD', plugins[1]!, ns, id, result)) as unknown
        xs.push(timeMs(() => {
          exec('DEL', plugins[1]!, ns, id, final)
          exec('DEL', plugins[0]!, ns, id, final)
        }))
      } finally {
        spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
      }
    }
  } finally {
    spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' })
  }
  return median(xs)
}

function umountBaselines (base: string, rootfs: string, n: number): Pick<Baselines, 'umountExecMs' | 'umount2Ms'> {
  const libc = loadLibc()
  const viaExec: number[] = []; const viaSyscall: number[] = []
  for (let i = 0; i < 2 * n; i++) {
    const d = path.join(base, `ov${i}`)
    for (const s of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(d, s), { recursive: true })
    const merged = path.join(d, 'merged')
    run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${rootfs},upperdir=${d}/upper,workdir=${d}/work`, merged])
    try {
      if (i % 2 === 0) viaExec.push(timeMs(() => run('umount', [merged])))
      else {
        viaSyscall.push(timeMs(() => {
          if (libc.umount2(merged, 0) !== 0) throw new Error(`umount2 ${merged} failed`)
        }))
      }
    } finally {
      spawnSync('umount', [merged], { stdio: 'ignore' })
    }
  }
  return { umountExecMs: median(viaExec), umount2Ms: median(viaSyscall) }
}

export function measureBaselines (n = 15): Baselines {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-baseline-'))
  const rootfs = buildBusyboxRootfs()
  try {
    return { samples: n, ...runcBaselines(base, rootfs, n), cniDelMs: cniDelBaseline(base, n), ...umountBaselines(base, rootfs, n) }
  } finally {
    // Anything still mounted under base (a failed sample) goes before the tree.
    for (const line of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const target = line.split(' ')[1]
      if (target?.startsWith(base) === true) spawnSync('umount', ['-l', target], { stdio: 'ignore' })
    }
    fs.rmSync(base, { recursive: true, force: true })
    fs.rmSync(rootfs, { recursive: true, force: true })
  }
}

export function formatBaselines (b: Baselines): string {
  return `baselines alone (median of ${b.samples}): runc delete ${b.runcDeleteMs.toFixed(1)} ms, runc kill+wait ${b.runcKillMs.toFixed(1)} ms, ` +
    `CNI DEL bridge+portmap ${b.cniDelMs.toFixed(1)} ms, umount(8) ${b.umountExecMs.toFixed(1)} ms, umount2(2) ${b.umount2Ms.toFixed(2)} ms, runc no-op ${b.runcNoopMs.toFixed(1)} ms`
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const at = process.argv.indexOf('--samples')
  const b = measureBaselines(at >= 0 ? Number(process.argv[at + 1]) : 15)
  console.log(formatBaselines(b))
}
