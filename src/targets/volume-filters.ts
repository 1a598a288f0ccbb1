import { invalidArgument } from '../errors.js'
import type { VolumeRecord } from '../state/types.js'
import { noSuchVolume } from '../state/volume-rows.js'
import type { FilterTable, KeyMatcher, Predicate } from './filters.js'
import { checkFilterKeys, compileFilters, groupFilters, matchAllLabels, matchAnyRegex, matchNoLabel, parseBoolValues, parseUntil } from './filters.js'

export interface VolumeFilterEnv {
  volumes: readonly VolumeRecord[]
  // How many containers use each volume (absent: none).
  userCount: (name: string) => number
}

const unknownKey = (key: string) => invalidArgument(`"${key}" is an invalid volume filter`)

// after/since=NAME: created later than the named volume (it must exist).
const after: KeyMatcher<VolumeRecord, VolumeFilterEnv> = (values, env) => {
  const t = Math.min(...values.map(name => {
    const vol = env.volumes.find(x => x.name === name)
    if (vol === undefined) throw noSuchVolume(name)
    return vol.createdAt
  }))
  return v => v.createdAt > t
}

const label: KeyMatcher<VolumeRecord, VolumeFilterEnv> = values => v => matchAllLabels(values, v.labels)
const notLabel: KeyMatcher<VolumeRecord, VolumeFilterEnv> = values => v => matchNoLabel(values, v.labels)
const until: KeyMatcher<VolumeRecord, VolumeFilterEnv> = values => {
  const t = parseUntil(values)
  return v => v.createdAt < t
}

// `volume ls --filter` (Podman's GenerateVolumeFilters).
export const VOLUME_LS_FILTERS: FilterTable<VolumeRecord, VolumeFilterEnv> = {
  unknownKey,
  keys: {
    'name': values => v => matchAnyRegex(v.name, values),
    'driver': values => () => values.includes('local'),
    'scope': values => () => values.includes('local'),
    'label': label,
    'label!': notLabel,
    // podctl volumes have no driver options: an opt filter selects nothing.
    'opt': () => () => false,
    'dangling': (values, env) => {
      const wanted = parseBoolValues(values, v => `"${v}" is not a valid value for the "dangling" filter - must be true or false`)
      return v => wanted.some(w => (env.userCount(v.name) === 0) === w)
    },
    'until': until,
    'after': after,
    'since': after,
  },
}

// `volume prune --filter` (Podman's GeneratePruneVolumeFilters).
export const VOLUME_PRUNE_FILTERS: FilterTable<VolumeRecord, VolumeFilterEnv> = {
  unknownKey,
  keys: { 'label': label, 'label!': notLabel, 'until': until, 'after': after, 'since': after },
}

export type VolumeFilter = (env: VolumeFilterEnv) => Predicate<VolumeRecord>

export function parseVolumeFilters (raw: readonly string[], table: FilterTable<VolumeRecord, VolumeFilterEnv>): VolumeFilter {
  const byKey = groupFilters(raw, f => invalidArgument(`filter input must be in the form of filter=value: ${f} is invalid`))
  checkFilterKeys(byKey, table)
  return env => compileFilters(byKey, table, env)
}
