import os from 'node:os'

import { invalidArgument } from '../errors.js'

export interface Signal { name: string, number: number }

const TABLE = os.constants.signals as Record<string, number>

// Accepts "TERM", "SIGTERM", "sigterm" or "15"; throws Podman's "invalid signal" otherwise.
export function parseSignal (raw: string): Signal {
  const s = raw.trim()
  if (/^\d+$/.test(s)) {
    const n = Number(s)
    const name = Object.keys(TABLE).find(k => TABLE[k] === n && k !== 'SIGIOT' && k !== 'SIGPOLL')
    if (name === undefined || n < 1 || n > 64) throw invalidArgument(`invalid signal: ${raw}`)
    return { name, number: n }
  }
  const upper = s.toUpperCase()
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`
  const n = TABLE[name]
  if (n === undefined) throw invalidArgument(`invalid signal: ${raw}`)
  return { name, number: n }
}

// Parses a whole number of seconds for --stop-timeout / stop -t.
export function parseTimeout (raw: unknown, flag: string): number {
  const s = String(raw).trim()
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw invalidArgument(`invalid argument "${String(raw)}" for "${flag}" flag: must be a non-negative whole number of seconds`)
  }
  return Number(s)
}
