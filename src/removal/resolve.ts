import { isErrorCode } from '../errors.js'
import type { ContainerId } from '../ids.js'
import { listContainers, lookupContainer } from '../state/container-rows.js'
import { listPods, lookupPod, noSuchPod } from '../state/pod-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import type { PodRecord } from '../state/types.js'
import type { ContainerFilter } from '../targets/container-filters.js'
import { loadContainerFilterEnv } from '../targets/container-filter-env.js'
import { noSuchContainerForRm } from './messages.js'

// A container to remove; `input` is the reference as typed (printed back on success).
export interface RemovalTarget {
  id: ContainerId
  input?: string
}

export interface ContainerSelection {
  refs?: readonly string[]
  all?: boolean
  latest?: boolean
  // --filter, already parsed by the caller. With a filter, --all means "all that match".
  filter?: ContainerFilter
  // Missing references are skipped instead of aborting the run.
  ignore?: boolean
}

export interface Resolved<T> {
  targets: T[]
  // References skipped under --ignore/--force, with why.
  skipped: { input: string, reason: string }[]
}

// Resolves every reference before anything is touched. Without ignore, the first miss
// throws (Podman aborts the whole command); an ambiguous prefix always throws.
export function resolveContainerTargets (store: StateStore, sel: ContainerSelection): Resolved<RemovalTarget> {
  return store.read(() => {
    const out: Resolved<RemovalTarget> = { targets: [], skipped: [] }
    const seen = new Set<string>()
    const add = (id: ContainerId, input?: string): void => {
      if (seen.has(id)) return
      seen.add(id)
      out.targets.push(input === undefined ? { id } : { id, input })
    }
    const match = sel.filter
    if (match !== undefined) {
      const env = loadContainerFilterEnv(store)
      const selected = match(env)
      for (const c of env.containers) if (selected(c)) add(c.id)
    } else if (sel.all === true) {
      for (const c of listContainers(store)) add(c.id)
    }
    if (sel.latest === true) {
      const all = listContainers(store)
      const last = all[all.length - 1]
      if (last !== undefined) add(last.id)
    }
    for (const raw of sel.refs ?? []) {
      const ref = raw.replace(/^\/+/, '')
      const c = lookupContainer(store, ref)
      if (c !== undefined) { add(c.id, ref); continue }
      const err = noSuchContainerForRm(ref)
      if (sel.ignore !== true) throw err
      out.skipped.push({ input: ref, reason: err.message })
    }
    return out
  })
}

export interface PodSelection {
  refs?: readonly string[]
  all?: boolean
  latest?: boolean
  ignore?: boolean
}

export function resolvePodTargets (store: StateStore, sel: PodSelection): Resolved<PodRecord> {
  return store.read(() => {
    const out: Resolved<PodRecord> = { targets: [], skipped: [] }
    const seen = new Set<string>()
    const add = (p: PodRecord): void => {
      if (!seen.has(p.id)) { seen.add(p.id); out.targets.push(p) }
    }
    if (sel.all === true) for (const p of listPods(store)) add(p)
    if (sel.latest === true) {
      const pods = listPods(store)
      const last = pods[pods.length - 1]
      if (last !== undefined) add(last)
    }
    for (const ref of sel.refs ?? []) {
      const p = lookupPod(store, ref)
      if (p !== undefined) { add(p); continue }
      const err = noSuchPod(ref)
      if (sel.ignore !== true || !isErrorCode(err, 'NO_SUCH_POD')) throw err
      out.skipped.push({ input: ref, reason: err.message })
    }
    return out
  })
}
