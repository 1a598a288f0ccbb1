import { assertStateWritable, Session } from '../index.js'
import type { PodctlConfig, RemovalBackendFactory, StateAccess } from '../index.js'
import type { Logger } from '../index.js'
import type { Progress } from './progress.js'

// What every command handler gets: a library session (config, logger, signal, state opened
// on first use) plus the CLI's progress display. Handlers pass it to library calls.
export class CommandContext extends Session {
  readonly progress: (label: string, total: number) => Progress
  // Set by tests (runInProcess) to run rm/pod rm against a fake; undefined = the real host.
  readonly removalBackend: RemovalBackendFactory | undefined

  constructor (opts: { config: PodctlConfig, log: Logger, progress: (label: string, total: number) => Progress, signal: AbortSignal, removalBackend?: RemovalBackendFactory, stateAccess?: StateAccess }) {
    super(opts)
    this.progress = opts.progress
    this.removalBackend = opts.removalBackend
  }
}

// The commands that only read state (`container X` is X): they also work on a state dir
// this process cannot write, e.g. a read-only mount. Every other command needs to write.
const READ_ONLY_COMMANDS = new Set(['ps', 'inspect', 'logs', 'graph', 'images', 'image ls', 'pod ps', 'pod inspect', 'volume ls', 'volume inspect', 'network ls', 'network inspect', 'system check', 'info', 'version', 'wait', 'exists', 'pod exists', 'volume exists', 'network exists', 'image exists', 'image inspect'])

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
