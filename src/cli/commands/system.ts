import readline from 'node:readline/promises'

import { checkExitCode, invalidArgument, PodctlError, renderCheckText, resetHost, runSystemCheck } from '../../index.js'
import type { Args, CommandResult, PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import type { CommandContext } from '../context.js'
import { renderJson } from '../render.js'

function checkFormat (argv: Args): void {
  if (argv['format'] !== undefined && !wantsJson(argv)) throw invalidArgument(`unsupported --format ${JSON.stringify(argv['format'])}: use json`)
}

export const systemCheckCommand: PodctlCommand = {
  command: 'check',
  describe: 'Check the state, runtime, storage and network for inconsistencies (and repair them)',
  examples: [
    ['podctl system check', 'list every inconsistency; exit 1 when there is one'],
    ['podctl system check --repair --format json', 'fix what can be fixed safely, report the rest as JSON'],
  ],
  builder: y => y
    .option('repair', { alias: 'r', type: 'boolean', default: false, describe: 'Repair what can be repaired safely: finish interrupted removals, remove orphans, release leaked IPs' })
    .option('format', FORMAT_OPTION),
  run: async (ctx: CommandContext, argv: Args): Promise<CommandResult> => {
    checkFormat(argv)
    const repair = argv['repair'] === true
    const report = await runSystemCheck(ctx, { repair })
    const stdout = wantsJson(argv) ? renderJson(report) : renderCheckText(report, repair)
    return { stdout, exitCode: checkExitCode(report) }
  },
}

export const systemResetCommand: PodctlCommand = {
  command: 'reset',
  describe: 'Remove all containers, pods, podctl networks, volumes and images',
  examples: [['podctl system reset -f', 'start from an empty host, without asking']],
  builder: y => y
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Do not prompt for confirmation' })
    .option('format', FORMAT_OPTION),
  run: async (ctx: CommandContext, argv: Args): Promise<CommandResult> => {
    checkFormat(argv)
    if (argv['force'] !== true && !await confirmReset()) return { exitCode: 0 }
    const summary = await resetHost(ctx)
    const errors = summary.errors.map(m => new PodctlError('INTERNAL', m))
    if (wantsJson(argv)) return { stdout: renderJson(summary), errors }
    const stdout = `Removed ${summary.containers} containers, ${summary.pods} pods, ${summary.networks.length} networks, ${summary.volumes} volumes, ${summary.images} images\n`
    return { stdout, errors }
  },
}

// Asks on the terminal; without one (CI), refuses: --force is required.
async function confirmReset (): Promise<boolean> {
  if (process.stdin.isTTY !== true) throw invalidArgument('system reset removes everything: pass --force (-f) when stdin is not a terminal')
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await rl.question('WARNING! This will remove:\n        - all containers\n        - all pods\n        - all podctl networks except the default\n        - all volumes\n        - all images\nAre you sure you want to continue? [y/N] ')
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

export const systemGroup: PodctlGroup = {
  command: 'system <command>',
  describe: 'Manage podctl',
  subcommands: [systemCheckCommand, systemResetCommand],
}
