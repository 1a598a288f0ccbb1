import { invalidArgument } from './errors.js'

export type ContainerId = string & { readonly __brand: 'ContainerId' }
export type PodId = string & { readonly __brand: 'PodId' }
export type ImageId = string & { readonly __brand: 'ImageId' }

// node:crypto is not part of Node's start-up snapshot: importing it compiles its internals
// (about 10 ms), which a command that makes no ID (ps, inspect, --help) never needs.
const builtinCrypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto')

const FULL_ID = /^[0-9a-f]{64}$/
const HEX_PREFIX = /^[0-9a-f]{1,64}$/
// Podman's name rule; the length bound keeps names usable as path components.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
export const MAX_NAME_LENGTH = 253

export function generateId<T extends string = string> (): T {
  return builtinCrypto().randomBytes(32).toString('hex') as T
}

export function isFullId (s: string): boolean {
  return FULL_ID.test(s)
}

export function isIdPrefix (s: string): boolean {
  return HEX_PREFIX.test(s)
}

export function isValidName (s: string): boolean {
  return s.length <= MAX_NAME_LENGTH && NAME.test(s)
}

// Throws Podman's wording for a bad name; returns the name otherwise.
export function validateName (name: string, what = 'names'): string {
  if (!isValidName(name)) {
    const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
    if (name.length > MAX_NAME_LENGTH) {
      throw invalidArgument(`${shown}: ${what} must be at most ${MAX_NAME_LENGTH} characters: invalid argument`)
    }
    throw invalidArgument(`${shown}: ${what} must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`)
  }
  return name
}

export function shortId (id: string): string {
  return id.slice(0, 12)
}
