import { invalidArgument } from '../errors.js'

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

// --since/--until as Podman takes them: an RFC 3339 time (or a date), a Unix time in
// seconds, or a Go duration ("10m", "1h30m") counted back from now. Returns ms since epoch.
export function parseLogTime (value: string, flag: string, now = Date.now()): number {
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.floor(Number(v) * 1000)
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) {
    let ms = 0
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!
    return now - ms
  }
  const t = Date.parse(v)
  if (!Number.isNaN(t) && /^\d{4}-\d{2}-\d{2}/.test(v)) return t
  throw invalidArgument(`invalid value for "--${flag}": ${JSON.stringify(value)}: not a timestamp, Unix time or duration`)
}
