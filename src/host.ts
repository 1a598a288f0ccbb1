import type { PodctlConfig } from './config.js'
import type { Logger } from './log.js'
import type { StateStore } from './state/sqlite-state-store.js'

// What library code needs from its caller: paths, a logger, the state store and a
// cancellation signal. CommandContext satisfies it; tests build one on temp dirs.
export interface Host {
  readonly config: PodctlConfig
  readonly log: Logger
  readonly store: StateStore
  readonly signal: AbortSignal
}
