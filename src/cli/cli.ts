import yargs from 'yargs'
import type { Argv, CommandModule } from 'yargs'

import { createLogger, errorMessage, exitStatus, GLOBAL_OPTIONS, isPodctlError, PodctlError, resolveConfig, VERSION } from '../index.js'
import type { RemovalBackendFactory } from '../index.js'
import type { Args, CommandResult, PodctlCommand, PodctlGroup } from './command.js'
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

// Parses argv, runs the one command it names and returns the exit status; never throws.
export async function runCli (args: string[], io: CliIo): Promise<number> {
  let result: CommandResult | undefined
  let failure: unknown
  let jsonErrors = false

  // group: the word of the group the command is in ("pod"), if any.
  const toModule = (cmd: PodctlCommand, group?: string): CommandModule => ({
    command: cmd.command,
    describe: cmd.describe,
    aliases: cmd.aliases ?? [],
    builder: (y: Argv) => {
      const b = cmd.builder ? cmd.builder(y) : y
      for (const [ex, desc] of cmd.examples ?? []) b.example(ex, desc)
      return b
    },
    handler: async (argv) => {
      const a = argv as unknown as Args
      jsonErrors = a['format'] === 'json'
      const config = resolveConfig(a)
      const commandPath = [group, cmd.command.split(' ')[0]].filter(w => w !== undefined && w !== 'container').join(' ')
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
  const toGroup = (g: PodctlGroup): CommandModule => ({
    command: g.command,
    describe: g.describe,
    aliases: g.aliases ?? [],
    builder: (y: Argv) => {
      for (const sub of g.subcommands) y.command(toModule(sub, g.command.split(' ')[0]))
      return y.demandCommand(1, '').strictCommands()
    },
    handler: () => {},
  })

  const parser = yargs(args)
    .scriptName('podctl')
    .usage('Manage pods, containers and networks, and remove them fast and safely\n\nUsage: podctl [options] <command>')
    .parserConfiguration({ 'strip-aliased': true, 'halt-at-non-option': false, 'boolean-negation': false, 'greedy-arrays': false })
    .strict()
    .help()
    .alias('help', 'h')
    // Podman's form ("podman version 4.3.1"): podman-compose takes the last word.
    .version(`podctl version ${VERSION}`)
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

  let helpText = ''
  try {
    await parser.parseAsync(args, {}, (_err, _argv, output) => { helpText = output })
  } catch (err) {
    failure = err
  }
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

function commandPath (args: string[]): string {
  const words = []
  for (const a of args) {
    if (a.startsWith('-')) break
    words.push(a)
  }
  return words.length === 0 ? '' : words.join(' ') + ' '
}
