import { invalidArgument } from '../errors.js'
import type { NetworkInspect } from '../network/index.js'
import type { FilterTable, Predicate } from './filters.js'
import { checkFilterKeys, compileFilters, groupFilters, matchAllLabels, matchAnyPrefix, matchAnyRegex, matchNoLabel, parseUntil } from './filters.js'

const createdAt = (n: NetworkInspect): number => {
  const t = Date.parse(n.created)
  return Number.isNaN(t) ? 0 : t
}

const label = (values: string[]): Predicate<NetworkInspect> => n => matchAllLabels(values, n.labels)
const notLabel = (values: string[]): Predicate<NetworkInspect> => n => matchNoLabel(values, n.labels)
const until = (values: string[]): Predicate<NetworkInspect> => {
  const t = parseUntil(values)
  return n => createdAt(n) < t
}
const unknownKey = (key: string) => invalidArgument(`invalid filter "${key}"`)

// `network ls --filter` (Podman's network filters): name (regexp), id (prefix), driver.
export const NETWORK_LS_FILTERS: FilterTable<NetworkInspect, undefined> = {
  unknownKey,
  keys: {
    'name': values => n => matchAnyRegex(n.name, values),
    'id': values => n => matchAnyPrefix(n.id, values),
    'driver': values => n => values.includes(n.driver),
    'label': label,
    'label!': notLabel,
    'until': until,
  },
}

// `network prune --filter`: label, label!, until.
export const NETWORK_PRUNE_FILTERS: FilterTable<NetworkInspect, undefined> = {
  unknownKey,
  keys: { 'label': label, 'label!': notLabel, 'until': until },
}

export function parseNetworkFilters (raw: readonly string[], table: FilterTable<NetworkInspect, undefined> = NETWORK_LS_FILTERS): Predicate<NetworkInspect> {
  const byKey = groupFilters(raw, f => invalidArgument(`invalid filter "${f}": must be in the format "filter=value"`))
  checkFilterKeys(byKey, table)
  return compileFilters(byKey, table, undefined)
}
