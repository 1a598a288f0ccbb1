import { randomInt } from 'node:crypto'

import { isNameTaken } from '../state/container-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'

// 100 adjectives × 160 people of science and engineering: 16,000 names, so parallel
// creates without --name rarely draw the same one (and one that does draws again).
const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agile', 'amazing', 'amused', 'angry', 'awesome', 'beautiful', 'blissful',
  'bold', 'brave', 'bright', 'busy', 'calm', 'careful', 'charming', 'cheerful', 'clever', 'cool',
  'compassionate', 'competent', 'confident', 'crazy', 'curious', 'dazzling', 'determined', 'diligent', 'dreamy', 'eager',
  'ecstatic', 'elastic', 'elated', 'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant',
  'focused', 'friendly', 'frosty', 'funny', 'gallant', 'generous', 'gentle', 'gifted', 'goofy', 'gracious',
  'great', 'happy', 'hardcore', 'heuristic', 'honest', 'hopeful', 'humble', 'inspiring', 'interesting', 'intelligent',
  'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'merry', 'modest',
  'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nimble', 'nostalgic', 'objective', 'optimistic',
  'patient', 'peaceful', 'pensive', 'practical', 'priceless', 'quirky', 'quiet', 'relaxed', 'reverent', 'romantic',
  'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'sweet', 'tender', 'trusting', 'vibrant', 'zealous',
]
const NOUNS = [
  'agnesi', 'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage', 'banach',
  'bardeen', 'bartik', 'bassi', 'bell', 'benz', 'bhabha', 'bhaskara', 'blackwell', 'bohr', 'booth',
  'borg', 'bose', 'boyd', 'brahmagupta', 'brattain', 'brown', 'burnell', 'cannon', 'carson', 'cartwright',
  'cerf', 'chandrasekhar', 'chaplygin', 'chatelet', 'chebyshev', 'clarke', 'colden', 'cori', 'cray', 'curie',
  'darwin', 'davinci', 'dijkstra', 'dirac', 'driscoll', 'dubinsky', 'easley', 'edison', 'einstein', 'elbakyan',
  'elgamal', 'elion', 'ellis', 'engelbart', 'euclid', 'euler', 'faraday', 'feistel', 'fermat', 'fermi',
  'feynman', 'franklin', 'gagarin', 'galileo', 'galois', 'gates', 'gauss', 'germain', 'goldberg', 'goldstine',
  'goodall', 'gould', 'hamilton', 'hawking', 'heisenberg', 'hermann', 'herschel', 'hertz', 'heyrovsky', 'hodgkin',
  'hofstadter', 'hoover', 'hopper', 'hugle', 'hypatia', 'jackson', 'jang', 'jemison', 'jennings', 'jepsen',
  'johnson', 'joliot', 'jones', 'kalam', 'kapitsa', 'kare', 'keldysh', 'keller', 'kepler', 'khorana',
  'kilby', 'kirch', 'knuth', 'kowalevski', 'lalande', 'lamarr', 'lamport', 'leakey', 'leavitt', 'lederberg',
  'lehmann', 'lewin', 'lichterman', 'liskov', 'lovelace', 'lumiere', 'mahavira', 'margulis', 'matsumoto', 'maxwell',
  'mayer', 'mccarthy', 'mcclintock', 'mclean', 'meitner', 'mendel', 'mendeleev', 'merkle', 'mirzakhani', 'moore',
  'morse', 'moser', 'napier', 'nash', 'neumann', 'newton', 'nightingale', 'nobel', 'noether', 'northcutt',
  'noyce', 'pascal', 'pasteur', 'payne', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan',
  'ride', 'ritchie', 'roentgen', 'sammet', 'shannon', 'shockley', 'sinoussi', 'snyder', 'tesla', 'turing',
]
const pick = (a: readonly string[]): string => a[randomInt(a.length)]!

// A Podman-style adjective_noun name not used by any container or pod. Another process may
// take it before this one inserts its row: the insert's transaction checks again and draws
// anew (see createContainer, createPod).
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
