// Engine overhead with the fake backend: N containers in pods of 10 (infra + 9 members,
// members depend on the infra, every third member also on its neighbour), removed with
// pod rm -a semantics. One line per scenario: plan ms, execute ms, µs per container, peak RSS.
// Each size runs in its own process, so its peak RSS is its own. Writes
// bench/results/<NAME>.json (default engine-latest).
// Usage: tsx bench/engine.bench.ts [--out NAME] [1k] [10k] [100k]
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { resolveConfig } from '../src/config.js'
import type { ContainerId, PodId } from '../src/ids.js'
import { generateId } from '../src/ids.js'
import { silentLogger } from '../src/log.js'
import { executeRemoval } from '../src/removal/engine.js'
import { FakeBackend } from '../src/removal/fake-backend.js'
import { prepareRemoval } from '../src/removal/prepare.js'
import { listPods } from '../src/state/pod-rows.js'
import { StateStore } from '../src/state/sqlite-state-store.js'

const SCENARIOS: Record<string, number> = { '1k': 1_000, '10k': 10_000, '100k': 100_000 }

function seed (store: StateStore, n: number): void {
  const pod = store.db.prepare('INSERT INTO pods (id, name, created_at) VALUES (?, ?, ?)')
  const ctr = store.db.prepare(`INSERT INTO containers (id, name, pod_id, is_infra, state, created_at) VALUES (?, ?, ?, ?, 'exited', ?)`)
  const dep = store.db.prepare('INSERT INTO container_deps (container_id, depends_on, kind) VALUES (?, ?, ?)')
  store.write(() => {
    for (let p = 0; p < n / 10; p++) {
      const podId = generateId<PodId>()
      pod.run(podId, `pod${p}`, p)
      const infra = generateId<ContainerId>()
      ctr.run(infra, `pod${p}-infra`, podId, 1, p * 10)
      let prev: string | undefined
      for (let m = 1; m < 10; m++) {
        const id = generateId<ContainerId>()
        ctr.run(id, `pod${p}-m${m}`, podId, 0, p * 10 + m)
        dep.run(id, infra, 'infra')
        if (prev !== undefined && m % 3 === 0) dep.run(id, prev, 'network')
        prev = id
      }
    }
  })
}

// cpuMs: this process's user + system CPU for plan and execute (on a shared host a steadier
// figure than wall time; the fake backend's work is all on this one thread).
interface EngineResult { label: string, containers: number, pods: number, planMs: number, executeMs: number, perContainerUs: number, cpuMs: number, peakRssMB: number }

async function scenario (label: string, n: number): Promise<EngineResult> {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  const dir = fs.mkdtempSync(path.join(base, 'podctl-bench-'))
  try {
    const store = StateStore.open(dir)
    seed(store, n)
    const host = { config: resolveConfig({ root: dir, runroot: path.join(dir, 'run') }, {}), log: silentLogger, store, signal: new AbortController().signal }
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const prep = prepareRemoval(store, { mode: 'pod-rm', targets: [], pods: listPods(store), force: true, depend: false, volumes: true })
    const t1 = performance.now()
    const report = await executeRemoval(host, prep, { backend: new FakeBackend(), collectEvents: false })
    const t2 = performance.now()
    const cpu = process.cpuUsage(cpu0)
    const removed = report.containers.filter(c => c.outcome.status === 'removed').length
    if (removed !== n) throw new Error(`Assertion failed: removed ${removed} of ${n}`)
    store.close()
    return { label, containers: n, pods: n / 10, planMs: t1 - t0, executeMs: t2 - t1, perContainerUs: (t2 - t0) * 1000 / n, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const argv = process.argv.slice(2)
const child = argv.indexOf('--child')
if (child >= 0) {
  const label = String(argv[child + 1])
  const n = SCENARIOS[label]
  if (n === undefined) throw new Error(`unknown size ${label}`)
  console.log(JSON.stringify(await scenario(label, n)))
} else {
  const outAt = argv.indexOf('--out')
  const outName = outAt >= 0 ? String(argv[outAt + 1]) : 'engine-latest'
  const wanted = argv.filter(a => a in SCENARIOS)
  const results: EngineResult[] = []
  for (const label of Object.keys(SCENARIOS)) {
    if (wanted.length > 0 && !wanted.includes(label)) continue
    const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', label], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 })
    if (r.status !== 0) throw new Error(`engine bench ${label} failed (exit ${String(r.status)})`)
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as EngineResult
    results.push(res)
    console.log(`engine ${label.padStart(4)} containers=${res.containers} pods=${res.pods} plan=${res.planMs.toFixed(0)}ms execute=${res.executeMs.toFixed(0)}ms per-container=${res.perContainerUs.toFixed(1)}µs cpu=${res.cpuMs.toFixed(0)}ms peak-rss=${res.peakRssMB.toFixed(0)}MB`)
  }
  const out = path.join(import.meta.dirname, 'results')
  fs.mkdirSync(out, { recursive: true })
  const host = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version, date: new Date().toISOString() }
  fs.writeFileSync(path.join(out, `${outName}.json`), JSON.stringify({ host, results }, null, 2) + '\n')
  console.log(`wrote ${path.join(out, `${outName}.json`)}`)
}
