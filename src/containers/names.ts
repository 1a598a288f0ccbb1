import { randomInt } from 'node:crypto'

import { isNameTaken } from '../state/container-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'

const ADJECTIVES = ['admiring', 'bold', 'brave', 'busy', 'calm', 'clever', 'cool', 'eager', 'ecstatic', 'elegant',
  'festive', 'focused', 'gallant', 'gifted', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'lucid', 'modest',
  'nice', 'peaceful', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet', 'tender', 'trusting', 'vibrant',
  'wizardly', 'youthful', 'zealous']
const NOUNS = ['albattani', 'babbage', 'bell', 'curie', 'darwin', 'einstein', 'euler', 'fermat', 'feynman', 'galileo',
  'gauss', 'hopper', 'hypatia', 'kepler', 'knuth', 'lamport', 'liskov', 'lovelace', 'mccarthy', 'newton', 'noether',
  'pascal', 'ritchie', 'shannon', 'tesla', 'thompson', 'torvalds', 'turing', 'wozniak', 'yalow']

const pick = (a: readonly string[]): string => a[randomInt(a.length)]!

// A Podman-style adjective_noun name not used by any container or pod (uniqueness is
// enforced again by the UNIQUE constraint when the row is inserted).
export function generateName (store: StateStore): string {
  const taken = (n: string): boolean => isNameTaken(store, n)
  for (let i = 0; i < 20; i++) {
    const n = `${pick(ADJECTIVES)}_${pick(NOUNS)}`
    if (!taken(n)) return n
  }
  for (;;) {
    const n = `${pick(ADJECTIVES)}_${pick(NOUNS)}${randomInt(1000)}`
    if (!taken(n)) return n
  }
}
