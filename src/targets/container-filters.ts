import { invalidArgument, PodctlError } from '../errors.js'
import type { ContainerRecord, PodRecord } from '../state/types.js'
import type { FilterTable, Predicate } from './filters.js'
import { checkFilterKeys, compileFilters, groupFilters, matchAllLabels, matchAnyPrefix, matchAnyRegex, matchNoLabel, parseUntil } from './filters.js'

// What container filters look things up in: one consistent read of the state.
export interface ContainerFilterEnv {
  containers: readonly ContainerRecord[]
  pods: readonly Pick<PodRecord, 'id' | 'name'>[]
  imageNameOf: (imageId: string) => string | undefined
  networksOf: (containerId: string) => readonly string[]
}

// Podman's StringToContainerStatus accepts these; podctl's 'stopped' shows as exited.
const STATUSES = ['created', 'configured', 'running', 'stopped', 'paused', 'exited', 'removing', 'stopping', 'unknown']

const statusOf = (c: ContainerRecord): string => c.state === 'stopped' ? 'exited' : c.state

function findContainer (env: ContainerFilterEnv, ref: string): ContainerRecord {
  const c = env.containers.find(x => x.name === ref) ?? env.containers.find(x => x.id === ref) ?? uniquePrefix(env.containers, ref)
  if (c === undefined) throw new PodctlError('NO_SUCH_CONTAINER', `no container with name or ID "${ref}" found: no such container`)
  return c
}

function uniquePrefix<T extends { id: string }> (items: readonly T[], ref: string): T | undefined {
  if (!/^[0-9a-f]+$/.test(ref)) return undefined
  const hits = items.filter(x => x.id.startsWith(ref))
  return hits.length === 1 ? hits[0] : undefined
}

export const CONTAINER_FILTERS: FilterTable<ContainerRecord, ContainerFilterEnv> = {
  unknownKey: key => invalidArgument(`${key} is an invalid filter`),
  keys: {
    'id': values => c => matchAnyPrefix(c.id, values),
    'name': values => {
      const patterns = values.map(v => v.replaceAll('/', ''))
      return c => matchAnyRegex(c.name, patterns)
    },
    'label': values => c => matchAllLabels(values, c.labels),
    'label!': values => c => matchNoLabel(values, c.labels),
    'status': values => {
      for (const v of values) if (!STATUSES.includes(v)) throw invalidArgument(`unknown container state: ${v}: invalid argument`)
      const wanted = new Set(values.map(v => v === 'stopped' ? 'exited' : v))
      return c => wanted.has(statusOf(c))
    },
    'exited': values => {
      const codes = new Set(values.map(v => {
        if (!/^[+-]?\d+$/.test(v) || Math.abs(Number(v)) > 2 ** 31) throw invalidArgument(`exited code out of range "${v}": strconv.ParseInt: parsing "${v}": invalid syntax`)
        return Number(v)
      }))
      return c => (c.state === 'exited' || c.state === 'stopped') && codes.has(c.exitCode ?? 0)
    },
    // A pod is named or ID-prefixed; one that does not exist selects nothing.
    'pod': (values, env) => {
      const ids = new Set(values.flatMap(v => {
        const p = env.pods.find(x => x.name === v) ?? env.pods.find(x => x.id === v) ?? uniquePrefix(env.pods, v)
        return p === undefined ? [] : [p.id as string]
      }))
      return c => c.podId !== null && ids.has(c.podId)
    },
    'ancestor': (values, env) => c => {
      if (c.imageId === null) return false
      const name = env.imageNameOf(c.imageId)
      return values.some(v => c.imageId!.includes(v.replace(/^sha256:/, '')) || name === v || (name !== undefined && !v.includes(':') && name === `${v}:latest`))
    },
    'network': (values, env) => c => env.networksOf(c.id).some(n => values.includes(n)),
    'before': (values, env) => {
      const t = Math.min(...values.map(v => findContainer(env, v).createdAt))
      return c => c.createdAt < t
    },
    'since': (values, env) => {
      const t = Math.min(...values.map(v => findContainer(env, v).createdAt))
      return c => c.createdAt > t
    },
    'until': values => {
      const t = parseUntil(values)
      return c => c.createdAt < t
    },
  },
}

export type ContainerFilter = (env: ContainerFilterEnv) => Predicate<ContainerRecord>

// Parses `--filter` values of ps / rm: syntax and keys are checked now, before state is
// read; the returned function binds the lookups. malformed: the command's wording for a
// value without `=`.
export function parseContainerFilters (raw: readonly string[], malformed: (f: string) => PodctlError): ContainerFilter {
  const byKey = groupFilters(raw, malformed)
  checkFilterKeys(byKey, CONTAINER_FILTERS)
  return env => compileFilters(byKey, CONTAINER_FILTERS, env)
}
