import { PodctlError } from '../errors.js'

// JSON read back from the DB is validated by shape: a corrupt row is an error, never a crash.
export function parseJsonColumn<T> (text: string | null, column: string, check: (v: unknown) => v is T, fallback: T): T {
  if (text === null) return fallback
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (cause) {
    throw new PodctlError('STATE_FAILED', `state database: column ${column} holds invalid JSON`, { cause })
  }
  if (!check(v)) throw new PodctlError('STATE_FAILED', `state database: column ${column} has an unexpected shape`)
  return v
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === 'string')
export const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(x => typeof x === 'string')
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
export const isAny = (_v: unknown): _v is unknown => true
