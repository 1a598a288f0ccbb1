import { invalidArgument } from '../errors.js'
import type { ContainerRecord, PodRecord } from '../state/types.js'
import type { FilterTable, Predicate } from './filters.js'
import { checkFilterKeys, compileFilters, groupFilters, matchAllLabels, matchAnyPrefix, matchAnyRegex, matchNoLabel, parseUntil } from './filters.js'

// A pod as filters see it: its row, its members and its status as `pod ps` prints it.
export interface PodFilterItem {
  pod: PodRecord
  members: readonly ContainerRecord[]
  status: string
}

const POD_STATUSES = ['stopped', 'running', 'paused', 'exited', 'dead', 'created', 'degraded']
const CTR_STATUSES = ['created', 'running', 'paused', 'stopped', 'exited', 'unknown']

function checkStatuses (values: readonly string[], valid: readonly string[]): void {
  for (const v of values) if (!valid.includes(v)) throw invalidArgument(`${v} is not a valid status`)
}

const memberStatus = (c: ContainerRecord): string => c.state === 'stopped' ? 'exited' : c.state

// `pod ps --filter` (Podman's GeneratePodFilterFunc).
export const POD_PS_FILTERS: FilterTable<PodFilterItem, undefined> = {
  unknownKey: key => invalidArgument(`${key} is an invalid filter`),
  keys: {
    'id': values => i => matchAnyPrefix(i.pod.id, values),
    'name': values => i => matchAnyRegex(i.pod.name, values),
    'label': values => i => matchAllLabels(values, i.pod.labels),
    'label!': values => i => matchNoLabel(values, i.pod.labels),
    'status': values => {
      checkStatuses(values, POD_STATUSES)
      return i => values.includes(i.status.toLowerCase())
    },
    'ctr-names': values => i => i.members.some(c => values.includes(c.name)),
    'ctr-ids': values => i => i.members.some(c => matchAnyPrefix(c.id, values)),
    'ctr-number': values => {
      const counts = values.map(v => {
        if (!/^\d+$/.test(v)) throw invalidArgument(`strconv.Atoi: parsing "${v}": invalid syntax`)
        return Number(v)
      })
      return i => counts.includes(i.members.length)
    },
    'ctr-status': values => {
      checkStatuses(values, CTR_STATUSES)
      const wanted = values.map(v => v === 'stopped' ? 'exited' : v)
      return i => i.members.some(c => wanted.includes(memberStatus(c)))
    },
    'until': values => {
      const t = parseUntil(values)
      return i => i.pod.createdAt < t
    },
  },
}

export function parsePodFilters (raw: readonly string[]): Predicate<PodFilterItem> {
  const byKey = groupFilters(raw, f => invalidArgument(`filter input must be in the form of filter=value: ${f} is invalid`))
  checkFilterKeys(byKey, POD_PS_FILTERS)
  return compileFilters(byKey, POD_PS_FILTERS, undefined)
}
