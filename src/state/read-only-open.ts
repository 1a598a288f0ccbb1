import fs from 'node:fs'
import path from 'node:path'

import type Database from 'better-sqlite3'

import { PodctlError } from '../errors.js'
import { openDatabase } from './sqlite.js'

// Why this process cannot write the state under root (its dir, state.db or the WAL
// files), or undefined when it can. A root that does not exist yet counts as writable:
// opening it creates it, or fails with the filesystem's own error.
export function stateReadOnlyReason (root: string): string | undefined {
  const file = path.join(root, 'state.db')
  for (const p of [root, file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.accessSync(p, fs.constants.W_OK)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EROFS') return 'read-only file system'
      if (code === 'EACCES' || code === 'EPERM') return `permission denied on ${p}`
    }
  }
  return undefined
}

export function readOnlyError (file: string, reason: string, what = 'cannot write to it'): PodctlError {
  return new PodctlError('STATE_FAILED', `state database ${file} is read-only (${reason}): ${what}`)
}

// Throws, naming the command, when the state under root cannot be written. Write commands
// call it before their first side effect, so they change nothing on a read-only state.
export function assertStateWritable (root: string, command: string): void {
  const reason = stateReadOnlyReason(root)
  if (reason !== undefined) throw readOnlyError(path.join(root, 'state.db'), reason, `podctl ${command} needs to write it`)
}

// Opens state.db without writing anything next to it. SQLite can read a WAL-mode database
// read-only only through its -wal and -shm files, which it cannot create here:
// - both exist (a writer is connected, or one crashed): SQLite's own read-only open, which
//   reads the log and sees concurrent writers through the shared -shm;
// - no log, or an empty one: every commit is in state.db (the last connection checkpointed
//   and deleted the log on close), so a consistent in-memory copy of the file is the state;
// - a log with frames but no -shm: refused, since reading state.db alone would silently
//   drop committed transactions.
export function openReadOnlyDatabase (file: string, reason: string, timeoutMs: number): Database.Database {
  const wal = `${file}-wal`
  if (sizeOf(file) === undefined) throw new PodctlError('STATE_FAILED', `state database ${file} does not exist and cannot be created (${reason})`)
  for (let attempt = 0; attempt < 5; attempt++) {
    const walSize = sizeOf(wal)
    if (walSize !== undefined && sizeOf(`${file}-shm`) !== undefined) {
      return openDatabase(file, { readonly: true, fileMustExist: true, timeout: timeoutMs })
    }
    if (walSize !== undefined && walSize > 0) {
      throw readOnlyError(file, reason, `its write-ahead log ${wal} cannot be read without ${file}-shm; run a podctl command with write access once to checkpoint it`)
    }
    const copy = readUnchanged(file, wal)
    if (copy !== undefined) return openDatabase(copy, { readonly: true })
  }
  throw new PodctlError('STATE_FAILED', `state database ${file} kept changing while it was read; try again`)
}

// The file's bytes, or undefined when a write (a writer's checkpoint) may have overlapped
// the read (file times tick with the kernel's coarse clock: this narrows the window, and the
// copy is quick_checked when opened). The copy is marked as a rollback-journal database (header bytes 18-19 = 1,
// what `PRAGMA journal_mode = DELETE` writes): SQLite opens no WAL for an in-memory database.
function readUnchanged (file: string, wal: string): Buffer | undefined {
  const before = fs.statSync(file, { bigint: true })
  const data = fs.readFileSync(file)
  const after = fs.statSync(file, { bigint: true })
  const same = before.mtimeNs === after.mtimeNs && before.ctimeNs === after.ctimeNs && before.size === after.size && before.ino === after.ino
  if (!same || (sizeOf(wal) ?? 0) > 0) return undefined
  if (data.length >= 20 && data[18] === 2 && data[19] === 2) { data[18] = 1; data[19] = 1 }
  return data
}

function sizeOf (p: string): number | undefined {
  try {
    return fs.statSync(p).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
