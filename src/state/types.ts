// The state store's callers name the model through here; the types live in src/model.ts.
export * from '../model.js'
