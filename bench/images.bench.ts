// Image pulls, re-pulls, save and load: podctl beside Podman (Debian's podman 4.3 with
// overlay), both against the same local docker-registry on 127.0.0.1 (test/helpers/registry.ts).
// Every sample is a whole process, spawn to exit, on a fresh temp --root (a re-pull: on a
// root that has the image); the median of --runs samples, in seconds. Nothing reaches
// outside 127.0.0.1.
//
// Usage: tsx bench/images.bench.ts [--runs 5] [--no-podman] [--out NAME] [--cases KEY,KEY…] [--bin dist/podctl.mjs]
//          [--before OTHER/podctl.mjs]
// Case keys: pull, pull-big, repull, load, save, floor (`images -q` on an empty root: the
// start-up, argument parsing and store opening every row pays), inspect (skopeo inspect --raw alone: the manifest request a re-pull makes).
// Writes bench/results/images-<date>-<NAME>.txt (this console output).
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { OciImageBuilder, startRegistry } from '../test/helpers/registry.js'

const argv = process.argv.slice(2)
const opt = (name: string, d: string): string => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] ?? d : d }
const RUNS = Number(opt('runs', '5'))
const OUT = opt('out', 'a')
const CASES = opt('cases', '').split(',').filter(c => c !== '')
const wanted = (key: string): boolean => CASES.length === 0 || CASES.includes(key)
const PODMAN = !argv.includes('--no-podman') && spawnSync('podman', ['--version']).status === 0
const BIN = path.resolve(opt('bin', path.join(import.meta.dirname, '../dist/podctl.mjs')))

const lines: string[] = []
const log = (s = ''): void => { console.log(s); lines.push(s) }

function timed (file: string, args: string[]): number {
  const t0 = performance.now()
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
  const s = (performance.now() - t0) / 1000
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`)
  return s
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }

interface Tool { name: string, root: () => string, args: (root: string, a: string[]) => string[], file: string, cleanup: (root: string) => void }

const podctl: Tool = {
  name: 'podctl', file: process.execPath,
  root: () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-podctl-')),
  args: (root, a) => [BIN, '--root', `${root}/root`, '--runroot', `${root}/run`, ...a],
  cleanup: root => fs.rmSync(root, { recursive: true, force: true }),
}
const podman: Tool = {
  name: 'podman', file: 'podman',
  root: () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-podman-')),
  args: (root, a) => ['--root', `${root}/root`, '--runroot', `${root}/run`, '--storage-driver', 'overlay', ...a],
  cleanup: root => {
    spawnSync('podman', ['--root', `${root}/root`, '--runroot', `${root}/run`, '--storage-driver', 'overlay', 'system', 'reset', '-f'], { stdio: 'ignore' })
    fs.rmSync(root, { recursive: true, force: true })
  },
}
const BEFORE = opt('before', '')
// --before OTHER/podctl.mjs: a second podctl build in the same rows, sampled in turn with the
// others, so that a before/after comparison sees the same machine load.
const before: Tool = { ...podctl, name: 'before', args: (root, a) => [path.resolve(BEFORE), '--root', `${root}/root`, '--runroot', `${root}/run`, ...a] }
const tools = [podctl, ...(BEFORE === '' ? [] : [before]), ...(PODMAN ? [podman] : [])]

// One sample: prepare (untimed) on a fresh root, then the timed command.
function sample (t: Tool, prepare: string[][], cmd: string[]): number {
  const root = t.root()
  try {
    for (const p of prepare) timed(t.file, t.args(root, p))
    return timed(t.file, t.args(root, typeof cmd[0] === 'string' ? cmd.map(a => a.replace('{root}', root)) : cmd))
  } finally {
    t.cleanup(root)
  }
}

const reg = await startRegistry()
const builders: OciImageBuilder[] = []
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-images-'))
try {
  const small = new OciImageBuilder().busybox().config(['--config.cmd', 'true'])
  builders.push(small)
  const smallRef = small.push(reg, 'busybox:latest')
  // ~64 MB of incompressible data in ~1.7k files over a busybox base.
  const big = wanted('pull-big')
    ? new OciImageBuilder().busybox().layer(r => {
      for (let d = 0; d < 17; d++) {
        fs.mkdirSync(path.join(r, 'data', String(d)), { recursive: true })
        for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(r, 'data', String(d), `f${f}`), crypto.randomBytes(38_000))
      }
    })
    : undefined
  if (big !== undefined) builders.push(big)
  const bigRef = big?.push(reg, 'big:latest') ?? ''
  const archive = path.join(scratch, 'bb.tar')
  small.archive(archive, 'docker-archive', 'busybox:latest')
  log(`images bench, ${new Date().toISOString()}, ${os.cpus().length} cpus, load ${os.loadavg().map(x => x.toFixed(1)).join(' ')}, median of ${RUNS} (seconds)`)
  log(`podctl: ${BIN}${BEFORE === '' ? '' : `; before: ${path.resolve(BEFORE)}`}`)
  log(`registry ${reg.host}; big image: ${big === undefined ? 'not built' : execFileSync('du', ['-sh', path.join(reg.dir, 'data')], { encoding: 'utf8' }).split('\t')[0]} in the registry`)
  const all: [string, string, string[][], string[]][] = [
    ['floor', 'images -q, empty (start-up floor)', [], ['images', '-q']],
    ['pull', 'pull busybox (1 layer)', [], ['pull', '-q', '--tls-verify=false', smallRef]],
    ['pull-big', 'pull big (64 MB gzip, 1.7k files)', [], ['pull', '-q', '--tls-verify=false', bigRef]],
    ['repull', 're-pull of a present image', [['pull', '-q', '--tls-verify=false', smallRef]], ['pull', '-q', '--tls-verify=false', smallRef]],
    ['load', 'load docker-archive', [], ['load', '-q', '-i', archive]],
    ['save', 'save docker-archive', [['load', '-q', '-i', archive]], ['save', '-o', '{root}/out.tar', 'busybox:latest']],
  ]
  const cases = all.filter(c => wanted(c[0]))
  if (wanted('inspect')) {
    const s = median(Array.from({ length: RUNS }, () => timed('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${smallRef}`])))
    log(`skopeo inspect --raw alone (the manifest request of a re-pull): ${s.toFixed(3)}`)
  }
  log(['case'.padEnd(36), ...tools.map(t => t.name.padStart(8))].join(' '))
  for (const [, name, prepare, cmd] of cases) {
    // The tools take turns, sample by sample.
    const samples = tools.map((): number[] => [])
    for (let r = 0; r < RUNS; r++) tools.forEach((t, i) => samples[i]!.push(sample(t, prepare, cmd)))
    const row = samples.map(median)
    log([name.padEnd(36), ...row.map(x => x.toFixed(3).padStart(8))].join(' '))
  }
} finally {
  for (const b of builders) b.remove()
  fs.rmSync(scratch, { recursive: true, force: true })
  await reg.stop()
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true })
  fs.writeFileSync(path.join(import.meta.dirname, 'results', `images-${new Date().toISOString().slice(0, 10)}-${OUT}.txt`), lines.join('\n') + '\n')
}
