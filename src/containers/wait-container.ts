import { setTimeout as sleep } from 'node:timers/promises'

import { invalidArgument } from '../errors.js'
import type { Host } from '../host.js'
import { getContainer, noSuchContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { refreshContainerStates } from './refresh-state.js'

// The states `wait --condition` takes; stopped and exited are the same to podctl.
export const WAIT_CONDITIONS = ['created', 'running', 'stopped', 'exited', 'removing'] as const
export type WaitCondition = typeof WAIT_CONDITIONS[number]

export function parseWaitConditions (raw: readonly string[]): WaitCondition[] {
  for (const c of raw) if (!(WAIT_CONDITIONS as readonly string[]).includes(c)) throw invalidArgument(`${c} is not a valid wait condition: must be one of ${WAIT_CONDITIONS.join(', ')}`)
  return raw.length === 0 ? ['stopped'] : raw as WaitCondition[]
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

// --interval: a Go duration ("250ms", "1s") or a number of milliseconds, as Podman reads it.
export function parseWaitInterval (v: string): number {
  if (/^\d+$/.test(v)) return Number(v)
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) {
    let ms = 0
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * GO_UNITS[m[2]!]!
    return ms
  }
  throw invalidArgument(`time: invalid duration "${v}"`)
}

const matches = (c: ContainerRecord, conditions: readonly WaitCondition[]): boolean =>
  conditions.some(w => w === 'stopped' || w === 'exited' ? c.state === 'stopped' || c.state === 'exited' : c.state === w)

// Waits until the container is in one of the states, polling every intervalMs (a running
// row is checked against its process first). Returns its exit code when the state is
// stopped/exited, -1 for the others (Podman). A container removed meanwhile after it was
// seen exiting gives that exit code; one removed before: no such container.
export async function waitForContainer (host: Host, c: ContainerRecord, conditions: readonly WaitCondition[], intervalMs: number): Promise<number> {
  let lastExit: number | undefined
  for (;;) {
    let row = getContainer(host.store, c.id)
    if (row?.state === 'running') {
      await refreshContainerStates(host, [row])
      row = getContainer(host.store, c.id)
    }
    if (row === undefined) {
      if (lastExit !== undefined && conditions.some(w => w === 'stopped' || w === 'exited')) return lastExit
      throw noSuchContainer(c.name)
    }
    if (row.state === 'exited' || row.state === 'stopped') lastExit = row.exitCode ?? 0
    if (matches(row, conditions)) return row.state === 'exited' || row.state === 'stopped' ? row.exitCode ?? 0 : -1
    await sleep(intervalMs, undefined, { signal: host.signal })
  }
}
