import type { PodctlConfig } from './config.js'
import type { Host } from './host.js'
import type { Logger } from './log.js'
import { StateStore } from './state/sqlite-state-store.js'
import type { StateAccess } from './state/sqlite-state-store.js'

export interface SessionOptions {
  config: PodctlConfig
  log: Logger
  signal: AbortSignal
  // 'read': a state dir this process cannot write is opened read-only instead of failing.
  stateAccess?: StateAccess
}

// A Host whose state is opened on first use and closed on dispose: what the CLI hands to
// library calls. The CLI never reads the store itself.
export class Session implements Host, Disposable {
  readonly config: PodctlConfig
  readonly log: Logger
  readonly signal: AbortSignal
  readonly stateAccess: StateAccess
  private storeHandle: StateStore | undefined

  constructor (opts: SessionOptions) {
    this.config = opts.config
    this.log = opts.log
    this.signal = opts.signal
    this.stateAccess = opts.stateAccess ?? 'write'
  }

  get store (): StateStore {
    this.storeHandle ??= StateStore.open(this.config.root, { access: this.stateAccess })
    return this.storeHandle
  }

  [Symbol.dispose] (): void {
    this.storeHandle?.close()
  }
}
