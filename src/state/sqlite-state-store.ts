import fs from 'node:fs'
import path from 'node:path'

import type Database from 'better-sqlite3'

import { errorMessage, PodctlError } from '../errors.js'
import { openDatabase } from './sqlite.js'
import { openReadOnlyDatabase, readOnlyError, stateReadOnlyReason } from './read-only-open.js'
import { MIGRATIONS } from './schema.js'

export const BUSY_TIMEOUT_MS = 30_000

// How long a command waits for another process's write lock. PODCTL_DB_BUSY_TIMEOUT_MS
// overrides it (tests: a locked database fails in well under the default 30 s).
export function busyTimeoutMs (): number {
  const raw = process.env['PODCTL_DB_BUSY_TIMEOUT_MS']
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return BUSY_TIMEOUT_MS
  return Number(raw)
}

// 'read': the command only reads, so a state dir it cannot write is opened read-only.
export type StateAccess = 'read' | 'write'

// The one SQLite handle of a process. Writes go through write() (BEGIN IMMEDIATE),
// so two processes never both read-then-write on a stale snapshot.
export class StateStore implements Disposable {
  readonly db: Database.Database
  readonly path: string
  // Why this store was opened read-only (write() then throws), or undefined.
  readonly readOnlyReason: string | undefined

  // One transaction function for every write and read (nested: a savepoint). Making a new
  // one per call (db.transaction(fn)) costs five closures each time: the removal engine
  // writes 200k times in a 100k-container run.
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>

  private constructor (db: Database.Database, file: string, readOnlyReason?: string) {
    this.db = db
    this.tx = db.transaction((fn: () => unknown) => fn())
    this.path = file
    this.readOnlyReason = readOnlyReason
  }

  get readOnly (): boolean {
    return this.readOnlyReason !== undefined
  }

  // access 'read' opens a state dir or DB that this process cannot write read-only
  // instead of failing; with 'write' (default) it fails as any write would.
  static open (root: string, opts: { access?: StateAccess } = {}): StateStore {
    const file = path.join(root, 'state.db')
    const readOnlyReason = opts.access === 'read' ? stateReadOnlyReason(root) : undefined
    try {
      let store: StateStore
      if (readOnlyReason === undefined) {
        fs.mkdirSync(root, { recursive: true, mode: 0o700 })
        store = new StateStore(openDatabase(file, { timeout: busyTimeoutMs() }), file)
      } else {
        store = new StateStore(openReadOnlyDatabase(file, readOnlyReason, busyTimeoutMs()), file, readOnlyReason)
      }
      store.configure()
      store.migrate()
      return store
    } catch (cause) {
      if (cause instanceof PodctlError) throw cause
      throw new PodctlError('STATE_FAILED', `opening state database ${file}: ${errorMessage(cause)}${filesystemTrouble(root)}`, { cause })
    }
  }

  static openMemory (): StateStore {
    const store = new StateStore(openDatabase(':memory:'), ':memory:')
    store.configure()
    store.migrate()
    return store
  }

  private configure (): void {
    this.db.pragma(`busy_timeout = ${busyTimeoutMs()}`)
    if (!this.readOnly) {
      // WAL is a property of the file, kept across opens: set when the database is new.
      if (this.db.pragma('user_version', { simple: true }) === 0) this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
    }
    this.db.pragma('foreign_keys = ON')
    // A ceiling, not an allocation (default 2 MiB): a 100k-container state is ~40 MiB and a
    // bulk removal touches all of it; with the default cache every lookup re-reads pages.
    this.db.pragma('cache_size = -65536')
    const integrity = this.db.pragma('quick_check', { simple: true })
    if (integrity !== 'ok') throw new PodctlError('STATE_FAILED', `state database ${this.path} is corrupt: ${String(integrity)}`, { hint: 'run podctl system check' })
  }

  private migrate (): void {
    const version = (): number => this.db.pragma('user_version', { simple: true }) as number
    if (version() > MIGRATIONS.length) {
      throw new PodctlError('STATE_FAILED', `state database ${this.path} has schema version ${version()}, newer than this podctl (${MIGRATIONS.length})`)
    }
    if (version() === MIGRATIONS.length) return
    if (this.readOnly) {
      throw new PodctlError('STATE_FAILED', `state database ${this.path} has schema version ${version()}, older than this podctl (${MIGRATIONS.length}), and is read-only (${this.readOnlyReason}): run a podctl command with write access once to upgrade it`)
    }
    this.write(() => {
      // Re-read inside the lock: another process may have migrated meanwhile.
      for (let v = version(); v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v]!)
        this.db.pragma(`user_version = ${v + 1}`)
      }
    })
  }

  get schemaVersion (): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  // Runs fn in one BEGIN IMMEDIATE transaction; it commits or rolls back whole.
  write<T> (fn: () => T): T {
    if (this.readOnly) throw readOnlyError(this.path, this.readOnlyReason ?? '')
    try {
      return this.tx.immediate(fn) as T
    } catch (err) {
      throw wrapSqliteError(err)
    }
  }

  // A consistent snapshot for several reads.
  read<T> (fn: () => T): T {
    try {
      return this.tx.deferred(fn) as T
    } catch (err) {
      throw wrapSqliteError(err)
    }
  }

  close (): void {
    if (this.db.open) this.db.close()
  }

  [Symbol.dispose] (): void {
    this.close()
  }
}

// SQLite says "disk I/O error" for a full filesystem: name the likely cause.
function filesystemTrouble (root: string): string {
  try {
    const st = fs.statfsSync(root)
    if (st.bavail === 0) return ` (no space left on device on the filesystem of ${root})`
    fs.accessSync(root, fs.constants.W_OK)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EROFS') return ` (${root} is on a read-only file system)`
  }
  return ''
}

function wrapSqliteError (err: unknown): unknown {
  if (err instanceof PodctlError) return err
  const code = (err as { code?: unknown }).code
  if (code === 'SQLITE_BUSY') {
    return new PodctlError('LOCK_TIMEOUT', `state database is locked by another process: gave up after ${busyTimeoutMs()} ms: ${errorMessage(err)}`, { cause: err })
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return new PodctlError('STATE_FAILED', `state database: ${errorMessage(err)}`, { cause: err })
  }
  return err
}
