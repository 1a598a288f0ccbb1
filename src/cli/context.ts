import type { PodctlConfig } from '../config.js'
import type { Logger } from '../log.js'
import type { RemovalBackendFactory } from '../removal/backend.js'
import { StateStore } from '../state/sqlite-state-store.js'
import type { Progress } from './progress.js'

// What every command handler gets: resolved config, a logger, lazily opened state.
export class CommandContext implements Disposable {
  readonly config: PodctlConfig
  readonly log: Logger
  readonly progress: (label: string, total: number) => Progress
  readonly signal: AbortSignal
  // Set by tests (runInProcess) to run rm/pod rm against a fake; undefined = the real host.
  readonly removalBackend: RemovalBackendFactory | undefined
  private storeHandle: StateStore | undefined

  constructor (opts: { config: PodctlConfig, log: Logger, progress: (label: string, total: number) => Progress, signal: AbortSignal, removalBackend?: RemovalBackendFactory }) {
    this.config = opts.config
    this.log = opts.log
    this.progress = opts.progress
    this.signal = opts.signal
    this.removalBackend = opts.removalBackend
  }

  get store (): StateStore {
    this.storeHandle ??= StateStore.open(this.config.root)
    return this.storeHandle
  }

  [Symbol.dispose] (): void {
    this.storeHandle?.close()
  }
}
