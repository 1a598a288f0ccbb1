import { createRequire } from 'node:module'

import Database from 'better-sqlite3'

// better-sqlite3's JavaScript is bundled into podctl's chunks (scripts/bundle.mjs): loaded
// from node_modules, resolving and compiling its dozen CommonJS files cost about 25 ms per
// command. Evaluating it loads nothing native. Its addon is loaded when the first database
// opens (a command that opens no state never needs it), by its path when it is where
// `npm install` builds it; better-sqlite3's own lookup (the bindings package) probes a
// dozen paths first.
let addon: object | null | undefined

function loadAddon (): object | null {
  if (addon !== undefined) return addon
  const require = createRequire(import.meta.url)
  try {
    addon = require(require.resolve('better-sqlite3/build/Release/better_sqlite3.node')) as object
  } catch {
    addon = null
  }
  return addon
}

export function openDatabase (file: string | Buffer, opts: Database.Options = {}): Database.Database {
  const binding = loadAddon()
  return new Database(file, binding === null ? opts : { ...opts, nativeBinding: binding as never })
}
