import type { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { latestPod, listPods, lookupPod, noSuchPod } from '../state/pod-rows.js'
import type { PodRecord } from '../state/types.js'
import { readIdFiles } from './id-files.js'

export interface PodTarget {
  record: PodRecord
  input?: string
}

export interface PodQuery {
  refs?: readonly string[]
  // --pod-id-file: an unreadable file is reported and the other pods still go (Podman).
  idFiles?: readonly string[]
  all?: boolean
  latest?: boolean
  // 'throw': a missing pod aborts (pod rm); 'collect': reported beside the others (pod
  // start, stop, inspect); 'skip': dropped (-i, -f).
  onMissing: 'throw' | 'collect' | 'skip'
}

export interface PodSelection {
  targets: PodTarget[]
  errors: PodctlError[]
  skipped: { input: string, reason: string }[]
}

// Turns refs, ID files, --all and --latest into pods, each once, in one read of the state.
export function selectPods (host: Host, q: PodQuery): PodSelection {
  const { store } = host
  const files = readIdFiles(q.idFiles ?? [], { what: 'reading pod ID file', ignore: false, onError: 'collect' })
  return store.read(() => {
    const out: PodSelection = { targets: [], errors: [...files.errors], skipped: [] }
    const seen = new Set<string>()
    const add = (record: PodRecord, input?: string): void => {
      if (seen.has(record.id)) return
      seen.add(record.id)
      out.targets.push(input === undefined ? { record } : { record, input })
    }
    if (q.all === true) for (const p of listPods(store)) add(p)
    if (q.latest === true) {
      const last = latestPod(store)
      if (last !== undefined) add(last)
    }
    for (const ref of [...(q.refs ?? []), ...files.ids]) {
      const p = lookupPod(store, ref)
      if (p !== undefined) { add(p, ref); continue }
      const err = noSuchPod(ref)
      if (q.onMissing === 'throw') throw err
      if (q.onMissing === 'skip') out.skipped.push({ input: ref, reason: err.message })
      else out.errors.push(err)
    }
    return out
  })
}
