import path from 'node:path'

import { resolveConfig } from '../../src/config.js'
import type { Host } from '../../src/host.js'
import type { ContainerId } from '../../src/ids.js'
import { silentLogger } from '../../src/log.js'
import { addDependency, insertContainer } from '../../src/state/container-rows.js'
import { insertPod, setPodInfra } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import type { ContainerRecord, DependencyKind, PodRecord } from '../../src/state/types.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'
import { withTempDir } from '../helpers/temp.js'

export interface Harness {
  dir: string
  host: Host
  store: StateStore
  abort: AbortController
  container (name: string, over?: Partial<ContainerRecord>): ContainerRecord
  pod (name: string, opts?: { infra?: boolean, members?: string[], running?: boolean }): { pod: PodRecord, infra?: ContainerRecord, members: ContainerRecord[] }
  dep (dependent: ContainerRecord, dependency: ContainerRecord, kind?: DependencyKind): void
  volume (name: string, anonymous: boolean, users: ContainerRecord[]): void
  ids (): string[]
}

// A temp root with a real SQLite state and a Host for the engine; cleaned up after fn.
export function withHarness<T> (fn: (h: Harness) => Promise<T>): Promise<T> {
  return withTempDir(async dir => {
    const store = StateStore.open(dir)
    const abort = new AbortController()
    const host: Host = { config: resolveConfig({ root: dir, runroot: path.join(dir, 'run') }, {}), log: silentLogger, store, signal: abort.signal }
    let seq = 0
    const h: Harness = {
      dir, host, store, abort,
      container (name, over = {}) {
        const c = containerFixture({ name, createdAt: 1_000 + seq++, ...over })
        insertContainer(store, c)
        return c
      },
      pod (name, opts = {}) {
        const pod = podFixture({ name, createdAt: 1_000 + seq++ })
        const state = opts.running === true ? 'running' : 'exited'
        store.write(() => {
          insertPod(store, pod)
        })
        const infra = opts.infra === false ? undefined : h.container(`${name}-infra`, { podId: pod.id, isInfra: true, state })
        if (infra !== undefined) {
          setPodInfra(store, pod.id, infra.id)
          pod.infraId = infra.id
        }
        const members = (opts.members ?? []).map(m => {
          const c = h.container(m, { podId: pod.id, state })
          if (infra !== undefined) h.dep(c, infra, 'infra')
          return c
        })
        return infra === undefined ? { pod, members } : { pod, infra, members }
      },
      dep (a, b, kind = 'requires') {
        addDependency(store, { containerId: a.id, dependsOn: b.id as ContainerId, kind })
      },
      volume (name, anonymous, users) {
        store.db.prepare('INSERT INTO volumes (name, anonymous, mountpoint, created_at) VALUES (?, ?, ?, ?)').run(name, anonymous ? 1 : 0, path.join(dir, 'volumes', name), Date.now())
        users.forEach((u, i) => store.db.prepare('INSERT INTO container_volumes (container_id, volume_name, destination) VALUES (?, ?, ?)').run(u.id, name, `/v${i}-${name}`))
      },
      ids () {
        return (store.db.prepare('SELECT id FROM containers ORDER BY created_at').all() as { id: string }[]).map(r => r.id)
      },
    }
    try {
      return await fn(h)
    } finally {
      store.close()
    }
  })
}
