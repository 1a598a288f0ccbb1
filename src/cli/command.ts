import type { Argv } from 'yargs'

import type { ExitPolicy } from '../index.js'
import type { CommandContext } from './context.js'

// What a handler hands back: text for stdout, errors to print (Podman prints each as
// "Error: …" on stderr), and how they make the exit status: a policy of the exit table
// (default 'batch'), or a status of its own (an attached run's container status).
export interface CommandResult {
  stdout?: string
  errors?: unknown[]
  exitPolicy?: ExitPolicy
  exitCode?: number
}

export type Args = Record<string, unknown> & { _: (string | number)[] }

export interface PodctlCommand {
  command: string
  describe: string
  aliases?: string[]
  examples?: [string, string][]
  builder?: (y: Argv) => Argv
  run: (ctx: CommandContext, argv: Args) => Promise<CommandResult> | CommandResult
}

export interface PodctlGroup {
  command: string
  describe: string
  aliases?: string[]
  subcommands: PodctlCommand[]
}

// The command tree's entries (src/cli/commands/index.ts): what help and completion list,
// known without importing the command's module; load() imports it (builder and run) and
// is called only for the command a command line names.
export interface CommandDescriptor {
  command: string
  describe: string
  aliases?: string[]
  load: () => Promise<PodctlCommand>
}

export interface GroupDescriptor {
  command: string
  describe: string
  aliases?: string[]
  subcommands: CommandDescriptor[]
}

export function isGroup (c: CommandDescriptor | GroupDescriptor): c is GroupDescriptor {
  return 'subcommands' in c
}

export const FORMAT_OPTION = {
  type: 'string',
  describe: 'Output format: json (or a table when omitted)',
} as const

export function wantsJson (argv: Args): boolean {
  return argv['format'] === 'json'
}

// Where a command streams output while it runs (attached run, logs -f): the CLI's own
// stdout/stderr (set by runCli); process.stdout/stderr for a context made elsewhere.
export interface CommandStreams {
  stdout: (s: string) => void
  stderr: (s: string) => void
}

const commandStreams = new WeakMap<object, CommandStreams>()

export function setCommandStreams (ctx: object, streams: CommandStreams): void {
  commandStreams.set(ctx, streams)
}

export function streamsOf (ctx: object): CommandStreams {
  return commandStreams.get(ctx) ?? { stdout: s => { process.stdout.write(s) }, stderr: s => { process.stderr.write(s) } }
}
