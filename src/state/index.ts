export * from './container-rows.js'
export * from './pod-rows.js'
export { StateStore } from './sqlite-state-store.js'
export * from './types.js'
