import { invalidArgument } from '../errors.js'
import type { PodctlError } from '../errors.js'

// Every `--filter` podctl accepts goes through here, with Podman's semantics:
// - `key=value`; the values given for one key are grouped and handed to that key's
//   matcher together; different keys are ANDed;
// - most keys OR their values (`name=a --filter name=b`: either); `label` ANDs them
//   (every label given must be present), `label!` selects what has none of them;
// - an unknown key is an error before anything is read or touched;
// - a value that matches nothing selects nothing.
export type Predicate<T> = (item: T) => boolean

// A key's matcher: gets every value given for the key (and the lookups the caller
// provides), validates them and returns the predicate. Throws on a bad value.
export type KeyMatcher<T, E> = (values: string[], env: E) => Predicate<T>

export interface FilterTable<T, E> {
  keys: Record<string, KeyMatcher<T, E>>
  // The error for a key the table does not have (Podman's wording differs per kind).
  unknownKey: (key: string) => PodctlError
}

// Splits raw `--filter` values into key → values, in the order given.
export function groupFilters (raw: readonly string[], malformed: (f: string) => PodctlError): Map<string, string[]> {
  const byKey = new Map<string, string[]>()
  for (const f of raw) {
    const eq = f.indexOf('=')
    if (eq <= 0) throw malformed(f)
    const key = f.slice(0, eq)
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)])
  }
  return byKey
}

// Compiles grouped filters against a table: every key is checked first (unknown keys
// throw), then each matcher is built with env. No filters: everything matches.
export function compileFilters<T, E> (byKey: ReadonlyMap<string, string[]>, table: FilterTable<T, E>, env: E): Predicate<T> {
  for (const key of byKey.keys()) if (!Object.hasOwn(table.keys, key)) throw table.unknownKey(key)
  const preds = [...byKey].map(([key, values]) => table.keys[key]!(values, env))
  return item => preds.every(p => p(item))
}

// Checks the keys alone (no lookups needed), so a bad filter fails before state is read.
export function checkFilterKeys<T, E> (byKey: ReadonlyMap<string, string[]>, table: FilterTable<T, E>): void {
  for (const key of byKey.keys()) if (!Object.hasOwn(table.keys, key)) throw table.unknownKey(key)
}

// Podman's MatchLabelFilters: every `k` or `k=v` given must hold.
export function matchAllLabels (values: readonly string[], labels: Readonly<Record<string, string>>): boolean {
  return values.every(v => {
    const i = v.indexOf('=')
    if (i < 0) return Object.hasOwn(labels, v)
    const k = v.slice(0, i)
    return Object.hasOwn(labels, k) && labels[k] === v.slice(i + 1)
  })
}

// `label!`: none of the labels given holds.
export function matchNoLabel (values: readonly string[], labels: Readonly<Record<string, string>>): boolean {
  return values.every(v => !matchAllLabels([v], labels))
}

// Podman matches names as unanchored regular expressions; one that does not compile is
// compared literally.
export function matchAnyRegex (name: string, patterns: readonly string[]): boolean {
  return patterns.some(p => {
    try {
      return new RegExp(p).test(name)
    } catch {
      return name === p
    }
  })
}

export function matchAnyPrefix (id: string, prefixes: readonly string[]): boolean {
  return prefixes.some(p => id.startsWith(p))
}

// `until=T`: created before T (RFC 3339, Unix seconds, or a Go duration ago).
export function parseUntil (values: readonly string[], now = Date.now()): number {
  let min = Number.POSITIVE_INFINITY
  for (const v of values) min = Math.min(min, parseTimestamp(v, now))
  return min
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

function parseTimestamp (v: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) {
    let ms = 0
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!
    return now - ms
  }
  const t = Date.parse(v)
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(t)) return t
  throw invalidArgument(`failed to parse time "${v}"`)
}

export function parseBoolValues (values: readonly string[], message: (v: string) => string): boolean[] {
  return values.map(v => {
    const s = v.toLowerCase()
    if (s === 'true' || s === '1') return true
    if (s === 'false' || s === '0') return false
    throw invalidArgument(message(v))
  })
}
