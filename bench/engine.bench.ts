// Engine overhead with the fake backend: N containers in pods of 10 (infra + 9 members,
// members depend on the infra, every third member also on its neighbour), removed with
// pod rm -a semantics. One line per scenario: plan ms, execute ms, µs per container, peak RSS.
// Usage: tsx bench/engine.bench.ts [1k] [10k] [100k]
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
const wanted = process.argv.slice(2).filter(a => a in SCENARIOS)

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

async function scenario (label: string, n: number): Promise<void> {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  const dir = fs.mkdtempSync(path.join(base, 'podctl-bench-'))
  try {
    const store = StateStore.open(dir)
    seed(store, n)
    const host = { config: resolveConfig({ root: dir, runroot: path.join(dir, 'run') }, {}), log: silentLogger, store, signal: new AbortController().signal }
    const t0 = performance.now()
    const prep = prepareRemoval(store, { mode: 'pod-rm', targets: [], pods: listPods(store), force: true, depend: false, volumes: true })
    const t1 = performance.now()
    const report = await executeRemoval(host, prep, { backend: new FakeBackend(), collectEvents: false })
    const t2 = performance.now()
    const removed = report.containers.filter(c => c.outcome.status === 'removed').length
    if (removed !== n) throw new Error(`Assertion failed: removed ${removed} of ${n}`)
    const rssMb = process.resourceUsage().maxRSS / 1024
    console.log(`engine ${label.padStart(4)} containers=${n} pods=${n / 10} plan=${(t1 - t0).toFixed(0)}ms execute=${(t2 - t1).toFixed(0)}ms per-container=${((t2 - t0) * 1000 / n).toFixed(1)}µs peak-rss=${rssMb.toFixed(0)}MB`)
    store.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

for (const [label, n] of Object.entries(SCENARIOS)) {
  if (wanted.length === 0 || wanted.includes(label)) await scenario(label, n)
}
