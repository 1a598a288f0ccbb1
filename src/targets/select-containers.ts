import type { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { latestContainer, listContainers, lookupContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import type { ContainerFilter } from './container-filters.js'
import { loadContainerFilterEnv } from './container-filter-env.js'
import { readIdFiles } from './id-files.js'
import { noSuchContainerAs } from './messages.js'
import type { ContainerMissWording } from './messages.js'

// One target: the record, and the reference as the user typed it (printed back).
export interface ContainerTarget {
  record: ContainerRecord
  input?: string
}

// What selects containers, as every container command spells it.
export interface ContainerQuery {
  refs?: readonly string[]
  // --cidfile; read here, each file's first line is a reference.
  idFiles?: readonly string[]
  all?: boolean
  // --all of stop and kill picks running containers only.
  allRunningOnly?: boolean
  latest?: boolean
  // With a filter, --all means "all that match": never more.
  filter?: ContainerFilter
  // A reference that matches nothing: 'throw' aborts the command (Podman's rm, start,
  // logs), 'collect' reports it beside the others (stop, kill, inspect), 'skip' drops it
  // (-i, -f).
  onMissing: 'throw' | 'collect' | 'skip'
  // Podman words the miss differently per command.
  wording: ContainerMissWording
  // ID files that cannot be read: abort, or report and go on; a missing one is skipped
  // when ignoreMissingIdFiles (default: when onMissing is 'skip').
  onIdFileError?: 'throw' | 'collect'
  ignoreMissingIdFiles?: boolean
}

export interface ContainerSelection {
  targets: ContainerTarget[]
  errors: PodctlError[]
  // References dropped under 'skip', with why.
  skipped: { input: string, reason: string }[]
}

// Turns refs, ID files, --all, --latest and --filter into targets, each container once,
// in one read of the state. An ambiguous ID prefix always throws.
export function selectContainers (host: Host, q: ContainerQuery): ContainerSelection {
  const { store } = host
  const files = readIdFiles(q.idFiles ?? [], { what: 'reading CIDFile', ignore: q.ignoreMissingIdFiles ?? q.onMissing === 'skip', onError: q.onIdFileError ?? 'throw' })
  return store.read(() => {
    const out: ContainerSelection = { targets: [], errors: [...files.errors], skipped: [] }
    const seen = new Set<string>()
    const add = (record: ContainerRecord, input?: string): void => {
      if (seen.has(record.id)) return
      seen.add(record.id)
      out.targets.push(input === undefined ? { record } : { record, input })
    }
    if (q.filter !== undefined) {
      const env = loadContainerFilterEnv(store)
      const selected = q.filter(env)
      for (const c of env.containers) if (selected(c)) add(c)
    } else if (q.all === true) {
      for (const c of listContainers(store)) if (q.allRunningOnly !== true || c.state === 'running') add(c)
    }
    if (q.latest === true) {
      const last = latestContainer(store)
      if (last !== undefined) add(last)
    }
    const refs = [...(q.refs ?? []).map(r => ({ r, typed: true })), ...files.ids.map(r => ({ r, typed: false }))]
    for (const { r, typed } of refs) {
      const ref = q.wording === 'rm' ? r.replace(/^\/+/, '') : r
      const c = lookupContainer(store, ref)
      if (c !== undefined) {
        add(c, typed || q.wording === 'rm' ? ref : undefined)
        continue
      }
      const err = noSuchContainerAs(q.wording, ref)
      if (q.onMissing === 'throw') throw err
      if (q.onMissing === 'collect') out.errors.push(err)
      else out.skipped.push({ input: ref, reason: err.message })
    }
    return out
  })
}
