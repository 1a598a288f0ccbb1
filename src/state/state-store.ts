// The state store as the rest of podctl uses it: open one (StateStore.open / openMemory),
// then read() for a consistent snapshot and write() for one BEGIN IMMEDIATE transaction.
// Row access goes through the *-rows.ts modules; SQL stays inside src/state.
export { BUSY_TIMEOUT_MS, busyTimeoutMs, StateStore } from './sqlite-state-store.js'
export type { StateAccess } from './sqlite-state-store.js'
export { assertStateWritable, stateReadOnlyReason } from './read-only-open.js'
