import type { PodctlConfig } from '../config.js'
import type { Logger } from '../log.js'
import type { RemovalBackendFactory } from '../removal/backend.js'
import { assertStateWritable } from '../state/read-only-open.js'
import { StateStore } from '../state/sqlite-state-store.js'
import type { StateAccess } from '../state/sqlite-state-store.js'
import type { Progress } from './progress.js'

// What every command handler gets: resolved config, a logger, lazily opened state.
export class CommandContext implements Disposable {
  readonly config: PodctlConfig
  readonly log: Logger
  readonly progress: (label: string, total: number) => Progress
  readonly signal: AbortSignal
  // Set by tests (runInProcess) to run rm/pod rm against a fake; undefined = the real host.
  readonly removalBackend: RemovalBackendFactory | undefined
  // 'read' (a command that only reads): a state dir this process cannot write is opened
  // read-only (store.readOnly) instead of failing.
  readonly stateAccess: StateAccess
  private storeHandle: StateStore | undefined

  constructor (opts: { config: PodctlConfig, log: Logger, progress: (label: string, total: number) => Progress, signal: AbortSignal, removalBackend?: RemovalBackendFactory, stateAccess?: StateAccess }) {
    this.config = opts.config
    this.log = opts.log
    this.progress = opts.progress
    this.signal = opts.signal
    this.removalBackend = opts.removalBackend
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

// The commands that only read state (`container X` is X): they also work on a state dir
// this process cannot write, e.g. a read-only mount. Every other command needs to write.
const READ_ONLY_COMMANDS = new Set(['ps', 'inspect', 'logs', 'graph', 'images', 'image ls', 'pod ps', 'pod inspect', 'volume ls', 'volume inspect', 'network ls', 'network inspect', 'system check'])

// The state access a command needs (commandPath: its canonical words, e.g. "pod ps", not
// an alias). A write command on a state this process cannot write fails here, before its
// first side effect.
export function checkStateAccess (root: string, commandPath: string, argv: Record<string, unknown>): StateAccess {
  if (commandPath === 'system check' && argv['repair'] === true) {
    assertStateWritable(root, 'system check --repair')
    return 'write'
  }
  if (READ_ONLY_COMMANDS.has(commandPath)) return 'read'
  assertStateWritable(root, commandPath)
  return 'write'
}
