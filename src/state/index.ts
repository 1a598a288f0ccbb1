export * from './container-rows.js'
export * from './pod-rows.js'
export * from './state-store.js'
export * from './types.js'
