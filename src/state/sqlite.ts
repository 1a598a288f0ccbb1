import { createRequire } from 'node:module'

import type Database from 'better-sqlite3'

// better-sqlite3, required when the first database opens rather than when podctl starts:
// it loads a native addon, which a command that opens no state never needs. The addon is
// loaded by its path when it is where `npm install` builds it; better-sqlite3's own lookup
// (the bindings package) probes a dozen paths first.
interface Sqlite { Database: typeof Database, addon: object | undefined }
let sqlite: Sqlite | undefined

function loadSqlite (): Sqlite {
  if (sqlite !== undefined) return sqlite
  const require = createRequire(import.meta.url)
  let addon: object | undefined
  try {
    addon = require(require.resolve('better-sqlite3/build/Release/better_sqlite3.node')) as object
  } catch {
    addon = undefined
  }
  sqlite = { Database: require('better-sqlite3') as typeof Database, addon }
  return sqlite
}

export function openDatabase (file: string | Buffer, opts: Database.Options = {}): Database.Database {
  const { Database, addon } = loadSqlite()
  return new Database(file, addon === undefined ? opts : { ...opts, nativeBinding: addon as never })
}
