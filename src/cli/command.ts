import type { Argv } from 'yargs'

import type { CommandContext } from './context.js'

// What a handler hands back: text for stdout, errors to print (Podman prints each as
// "Error: …" on stderr) and, when it must differ from the errors' codes, an exit status.
export interface CommandResult {
  stdout?: string
  errors?: unknown[]
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

export function isGroup (c: PodctlCommand | PodctlGroup): c is PodctlGroup {
  return 'subcommands' in c
}

export const FORMAT_OPTION = {
  type: 'string',
  describe: 'Output format: json (or a table when omitted)',
} as const

export function wantsJson (argv: Args): boolean {
  return argv['format'] === 'json'
}
