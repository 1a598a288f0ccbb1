import fs from 'node:fs'

import type { ContainerId } from '../ids.js'
import { getContainer, updateContainer } from './container-rows.js'
import type { StateStore } from './sqlite-state-store.js'
import type { ContainerRecord } from './types.js'

// A process as a claim owner: its pid plus its start time (clock ticks since boot,
// field 22 of /proc/<pid>/stat), so a recycled pid is never mistaken for the owner.
export interface ProcessIdentity {
  pid: number
  start: string
}

export function readProcessStart (pid: number): string | undefined {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // comm (field 2) may hold spaces and parens: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return fields[19]
}

let self: ProcessIdentity | undefined
export function currentProcess (): ProcessIdentity {
  self ??= { pid: process.pid, start: readProcessStart(process.pid) ?? '0' }
  return self
}

export function isProcessAlive (owner: ProcessIdentity): boolean {
  return readProcessStart(owner.pid) === owner.start
}

export type ClaimResult =
  | { kind: 'claimed', container: ContainerRecord, previousState: ContainerRecord['state'], resumed: boolean }
  | { kind: 'gone' }
  | { kind: 'busy', owner: ProcessIdentity }

// One BEGIN IMMEDIATE transaction: moves the container to 'removing' owned by `me`.
// A claim by a live other process is left alone ('busy'); a dead owner's claim, or our
// own, is taken over ('resumed'). Podman-style "already gone" is 'gone', not an error.
export function claimContainer (store: StateStore, id: ContainerId, me: ProcessIdentity = currentProcess(), now = Date.now()): ClaimResult {
  return store.write(() => {
    const c = getContainer(store, id)
    if (c === undefined) return { kind: 'gone' }
    const resumed = c.state === 'removing'
    if (resumed && c.ownerPid !== null && c.ownerStart !== null) {
      const owner = { pid: c.ownerPid, start: c.ownerStart }
      const mine = owner.pid === me.pid && owner.start === me.start
      if (!mine && isProcessAlive(owner)) return { kind: 'busy', owner }
    }
    const patch = { state: 'removing' as const, ownerPid: me.pid, ownerStart: me.start, removingSince: c.removingSince ?? now }
    updateContainer(store, id, patch)
    return { kind: 'claimed', container: { ...c, ...patch }, previousState: c.state, resumed }
  })
}

// Who holds a container's claim right now, if anyone alive.
export function liveClaimOwner (c: ContainerRecord): ProcessIdentity | undefined {
  if (c.state !== 'removing' || c.ownerPid === null || c.ownerStart === null) return undefined
  const owner = { pid: c.ownerPid, start: c.ownerStart }
  return isProcessAlive(owner) ? owner : undefined
}
