import type { Argv, CommandModule } from 'yargs'

import { createLogger, errorMessage, exitStatus, GLOBAL_OPTIONS, isPodctlError, PodctlError, resolveConfig, VERSION } from '../index.js'
import type { RemovalBackendFactory } from '../index.js'
import type { Args, CommandDescriptor, CommandResult, GroupDescriptor, PodctlCommand } from './command.js'
import { isGroup, setCommandStreams } from './command.js'
import { COMMANDS } from './commands/index.js'
import { CommandContext, checkStateAccess } from './context.js'
import { createProgress } from './progress.js'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  signal: AbortSignal
  // Injection point for tests: the removal engine's host effects (default: real ones).
  removalBackend?: RemovalBackendFactory
}

// --version prints Podman's form ("podman version 4.3.1"): podman-compose takes the last word.
const VERSION_LINE = `podctl version ${VERSION}`

// Parses argv, runs the one command it names and returns the exit status; never throws.
// Only that command's module is imported and only its builder runs: the words of argv pick
// it before yargs is built; should yargs match another command (a flag before the command
// word that takes a value), that one is loaded and the parse runs again.
export async function runCli (args: string[], io: CliIo): Promise<number> {
  // `podctl --version`, alone or among global options (scripts pass --root and the like
  // first), prints what yargs would, without loading yargs.
  if (onlyVersion(args)) {
    io.stdout(`${VERSION_LINE}\n`)
    return 0
  }
  const loaded = new Map<CommandDescriptor, PodctlCommand>()
  for (const d of namedCommands(args)) loaded.set(d, await d.load())
  for (;;) {
    const status = await parseAndRun(args, io, loaded)
    if (typeof status === 'number') return status
    loaded.set(status.descriptor, await status.descriptor.load())
  }
}

// argv is one --version plus global options with their values (`--root X`, `--root=X`):
// yargs prints the version and ignores the rest (it validates them only in a command).
// Anything else, a value that looks like a flag included, goes through yargs.
function onlyVersion (args: readonly string[]): boolean {
  const takesValue = new Set(GLOBAL_OPTIONS.map(o => `--${o.flag}`))
  let versions = 0
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--version') { versions++; continue }
    if (takesValue.has(a)) {
      const v = args[i + 1]
      if (v === undefined || v.startsWith('-')) return false
      i++
      continue
    }
    const eq = a.indexOf('=')
    if (eq > 0 && takesValue.has(a.slice(0, eq))) continue
    return false
  }
  return versions === 1
}

// Thrown by the builder of a command that is not loaded yet; never reaches the user.
class NotLoaded extends Error {
  readonly descriptor: CommandDescriptor
  constructor (descriptor: CommandDescriptor) {
    super(`Assertion failed: ${descriptor.command} is not loaded`)
    this.descriptor = descriptor
  }
}

// The part of yargs' internals (not in its typings) that skips the help rendering below.
interface YargsInternals { getInternalMethods: () => { getUsageInstance: () => { cacheHelpMessage: () => void } } }

async function parseAndRun (args: string[], io: CliIo, loaded: ReadonlyMap<CommandDescriptor, PodctlCommand>): Promise<number | NotLoaded> {
  let result: CommandResult | undefined
  let failure: unknown
  let jsonErrors = false

  // group: the word of the group the command is in ("pod"), if any.
  const toModule = (d: CommandDescriptor, group?: string): CommandModule => ({
    command: d.command,
    describe: d.describe,
    aliases: d.aliases ?? [],
    builder: (y: Argv) => {
      const cmd = loaded.get(d)
      if (cmd === undefined) throw new NotLoaded(d)
      const b = cmd.builder ? cmd.builder(y) : y
      for (const [ex, desc] of cmd.examples ?? []) b.example(ex, desc)
      return b
    },
    handler: async (argv) => {
      const cmd = loaded.get(d)
      if (cmd === undefined) throw new NotLoaded(d)
      const a = argv as unknown as Args
      jsonErrors = a['format'] === 'json'
      const config = resolveConfig(a)
      const commandPath = [group, d.command.split(' ')[0]].filter(w => w !== undefined && w !== 'container').join(' ')
      const stateAccess = checkStateAccess(config.root, commandPath, a)
      using ctx = new CommandContext({
        config,
        log: createLogger(config.logLevel, io.stderr),
        progress: (label, total) => createProgress(label, total),
        signal: io.signal,
        stateAccess,
        ...(io.removalBackend === undefined ? {} : { removalBackend: io.removalBackend }),
      })
      setCommandStreams(ctx, { stdout: io.stdout, stderr: io.stderr })
      result = await cmd.run(ctx, a)
    },
  })
  const toGroup = (g: GroupDescriptor): CommandModule => ({
    command: g.command,
    describe: g.describe,
    aliases: g.aliases ?? [],
    builder: (y: Argv) => {
      for (const s of g.subcommands) y.command(toModule(s, g.command.split(' ')[0]))
      return y.demandCommand(1, '').strictCommands()
    },
    handler: () => {},
  })
  const { default: yargs } = await import('yargs')
  const parser = yargs(args)
    .scriptName('podctl')
    .usage('Manage pods, containers and networks, and remove them fast and safely\n\nUsage: podctl [options] <command>')
    .parserConfiguration({ 'strip-aliased': true, 'halt-at-non-option': false, 'boolean-negation': false, 'greedy-arrays': false })
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION_LINE)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .completion('completion', 'Generate a bash/zsh completion script')
    .demandCommand(1, 'missing command')
    .exitProcess(false)
    .fail((msg, err) => {
      if (err !== undefined && err !== null) throw err
      throw translateYargsMessage(msg ?? 'invalid command line', args)
    })
  for (const spec of GLOBAL_OPTIONS) {
    parser.option(spec.flag, { type: 'string', global: true, describe: `${spec.describe} (env ${spec.env}, default ${spec.default})` })
  }
  for (const c of COMMANDS) parser.command(isGroup(c) ? toGroup(c) : toModule(c))
  // yargs renders the matched command's whole help text as it calls the handler, in case the
  // handler asks for it (none does): tens of ms per run. Help asked for (--help, a usage
  // error) is rendered where it is printed and stays as it was.
  const internals = parser as unknown as YargsInternals
  internals.getInternalMethods().getUsageInstance().cacheHelpMessage = () => {}

  let helpText = ''
  try {
    await parser.parseAsync(args, {}, (_err, _argv, output) => { helpText = output })
  } catch (err) {
    failure = err
  }
  if (failure instanceof NotLoaded) return failure
  if (failure === undefined && result === undefined && helpText !== '') {
    io.stdout(helpText.endsWith('\n') ? helpText : helpText + '\n')
    return 0
  }
  if (failure !== undefined) {
    printError(io, failure, jsonErrors)
    return exitStatus('batch', [failure])
  }
  if (result === undefined) return 0
  if (result.stdout !== undefined && result.stdout !== '') io.stdout(result.stdout)
  const errors = result.errors ?? []
  for (const e of errors) printError(io, e, jsonErrors)
  return result.exitCode ?? exitStatus(result.exitPolicy ?? 'batch', errors)
}

function printError (io: CliIo, err: unknown, json: boolean): void {
  if (json && isPodctlError(err)) {
    io.stderr(JSON.stringify({ error: { code: err.code, message: err.message, hint: err.hint } }) + '\n')
    return
  }
  // Anything else is a programmer error: its stack is for debugging, not the user's face.
  if (!isPodctlError(err) && process.env['PODCTL_DEBUG'] === '1' && err instanceof Error) io.stderr(`${err.stack ?? ''}\n`)
  io.stderr(`Error: ${errorMessage(err)}\n`)
  if (isPodctlError(err) && err.hint !== undefined) io.stderr(`hint: ${err.hint}\n`)
}

// yargs' words → Podman's: "unknown flag: --x", "unrecognized command `podctl x`".
function translateYargsMessage (msg: string, args: string[]): PodctlError {
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg)
  if (unknown?.[1] !== undefined) {
    const names = unknown[1].split(', ')
    const flag = args.find(a => a.startsWith('-') && names.some(n => a.replace(/^-+/, '').split('=')[0] === n))
    if (flag !== undefined) {
      return new PodctlError('INVALID_ARGUMENT', `unknown flag: ${flag.split('=')[0]}\nSee 'podctl ${commandPath(args)}--help'`)
    }
    return new PodctlError('INVALID_ARGUMENT', `unrecognized command \`podctl ${names.join(' ')}\`\nTry 'podctl --help' for more information`)
  }
  if (/^Unknown command: /.test(msg)) {
    return new PodctlError('INVALID_ARGUMENT', `unrecognized command \`podctl ${msg.replace(/^Unknown command: /, '')}\`\nTry 'podctl --help' for more information`)
  }
  if (msg === '' || msg === 'missing command') {
    return new PodctlError('INVALID_ARGUMENT', `missing command\nTry 'podctl ${commandPath(args)}--help' for more information`)
  }
  return new PodctlError('INVALID_ARGUMENT', msg.replace(/^./, c => c.toLowerCase()))
}

// The descriptors argv's words name, outermost first: the first word that is not an option
// or a global option's value is the command; in a group, the next such word the subcommand.
export function namedCommands (args: readonly string[]): CommandDescriptor[] {
  // A completion request: `podctl --get-yargs-completions podctl WORD…`.
  const words = args[0] === '--get-yargs-completions' ? args.slice(2) : args
  const takesValue = new Set(GLOBAL_OPTIONS.map(o => `--${o.flag}`))
  let level: readonly (CommandDescriptor | GroupDescriptor)[] = COMMANDS
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (w === '--') break
    if (w.startsWith('-')) {
      if (takesValue.has(w)) i++
      continue
    }
    const d = level.find(c => c.command.split(' ')[0] === w || (c.aliases ?? []).includes(w))
    if (d === undefined) return []
    if (!isGroup(d)) return [d]
    level = d.subcommands
  }
  return []
}

function commandPath (args: string[]): string {
  const words = []
  for (const a of args) {
    if (a.startsWith('-')) break
    words.push(a)
  }
  return words.length === 0 ? '' : words.join(' ') + ' '
}
