import fs from 'node:fs'

import type Database from 'better-sqlite3'

import type { ContainerId } from '../ids.js'
import type { StateStore } from './sqlite-state-store.js'
import type { ContainerRecord, ContainerState } from './types.js'

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
  | { kind: 'claimed', previousState: ContainerState, resumed: boolean, owner: ProcessIdentity, removingSince: number }
  | { kind: 'gone' }
  | { kind: 'busy', owner: ProcessIdentity }
  // Containers that came to depend on it after the run was planned (a create that
  // committed first): not claimed, so the create's row never points at a deleted one.
  | { kind: 'depended', dependents: ContainerId[] }

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>()
// One prepared statement per (database, SQL): hot paths run it 100k times a run.
export function cachedStatement (store: StateStore, sql: string): Database.Statement {
  let byDb = statements.get(store.db)
  if (byDb === undefined) statements.set(store.db, byDb = new Map())
  let st = byDb.get(sql)
  if (st === undefined) byDb.set(sql, st = store.db.prepare(sql))
  return st
}

interface ClaimRow { state: ContainerState, owner_pid: number | null, owner_start: string | null, removing_since: number | null }

// One BEGIN IMMEDIATE transaction: moves the container to 'removing' owned by `me`.
// A claim by a live other process is left alone ('busy'); a dead owner's claim, or our
// own, is taken over ('resumed'). Podman-style "already gone" is 'gone', not an error.
// A container something depends on is never claimed ('depended').
export function claimContainer (store: StateStore, id: ContainerId, me: ProcessIdentity = currentProcess(), now = Date.now()): ClaimResult {
  return store.write(() => {
    const c = cachedStatement(store, 'SELECT state, owner_pid, owner_start, removing_since FROM containers WHERE id = ?').get(id) as ClaimRow | undefined
    if (c === undefined) return { kind: 'gone' }
    const resumed = c.state === 'removing'
    if (resumed && c.owner_pid !== null && c.owner_start !== null) {
      const owner = { pid: c.owner_pid, start: c.owner_start }
      const mine = owner.pid === me.pid && owner.start === me.start
      if (!mine && isProcessAlive(owner)) return { kind: 'busy', owner }
    }
    // Checked in the claim's own transaction: a create that commits after it sees
    // 'removing' and refuses (createContainer checks in its insert transaction).
    const dependents = (cachedStatement(store, 'SELECT DISTINCT container_id FROM container_deps WHERE depends_on = ?').all(id) as { container_id: ContainerId }[])
      .map(r => r.container_id)
    if (dependents.length > 0) return { kind: 'depended', dependents }
    const removingSince = c.removing_since ?? now
    cachedStatement(store, "UPDATE containers SET state = 'removing', owner_pid = ?, owner_start = ?, removing_since = ? WHERE id = ?")
      .run(me.pid, me.start, removingSince, id)
    return { kind: 'claimed', previousState: c.state, resumed, owner: me, removingSince }
  })
}

// Who holds a container's claim right now, if anyone alive.
export function liveClaimOwner (c: ContainerRecord): ProcessIdentity | undefined {
  if (c.state !== 'removing' || c.ownerPid === null || c.ownerStart === null) return undefined
  const owner = { pid: c.ownerPid, start: c.ownerStart }
  return isProcessAlive(owner) ? owner : undefined
}
