import fs from 'node:fs'

import { batchExitCode, invalidArgument, isPodctlError, PodctlError } from '../../errors.js'
import { describeDryRun, renderDryRun } from '../../removal/dry-run.js'
import { executeRemoval } from '../../removal/engine.js'
import { createHostBackend } from '../../removal/host-backend.js'
import { prepareRemoval } from '../../removal/prepare.js'
import type { PreparedRemoval } from '../../removal/prepare.js'
import type { RemoveReport } from '../../removal/report.js'
import { reportToJson } from '../../removal/report.js'
import { resolveContainerTargets } from '../../removal/resolve.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import type { CommandContext } from '../context.js'
import { renderJson, renderLines } from '../render.js'
import { parseContainerFilters } from './ps.js'

// Podman's CheckAllLatestAndIDFile, in its order; every failure exits 125.
export function checkAllLatestAndIdFile (args: readonly string[], o: { all: boolean, latest: boolean, idFiles: readonly string[], idFileFlag: string, filterGiven?: boolean }): void {
  if (o.filterGiven === true) {
    if (args.length > 0) throw invalidArgument('--filter takes no arguments')
    return
  }
  const idFile = o.idFiles.length > 0
  if (idFile && (o.all || o.latest)) throw invalidArgument(`--all, --latest, and --${o.idFileFlag} cannot be used together`)
  if (o.all && o.latest) throw invalidArgument('--all and --latest cannot be used together')
  if (args.length > 0 && o.all) throw invalidArgument('no arguments are needed with --all')
  if (args.length > 0 && o.latest) throw invalidArgument('--latest and containers cannot be used together')
  if (args.length > 0 && idFile) throw invalidArgument(`no arguments are needed with --latest or --${o.idFileFlag}`)
  if (idFile) return
  if (args.length === 0 && !o.all && !o.latest) throw invalidArgument('you must provide at least one name or id')
}

// -t/--time: pflag's wording for a non-integer; undefined when not given.
export function parseTime (v: unknown): number | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  if (!/^-?\d+$/.test(s)) throw invalidArgument(`invalid argument "${s}" for "-t, --time" flag: strconv.ParseInt: parsing "${s}": invalid syntax`)
  return Number(s)
}

export function parseMaxWorkers (v: unknown): number | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  if (!/^\d+$/.test(s) || Number(s) < 1) throw invalidArgument(`invalid argument "${s}" for "--max-workers" flag: must be a positive integer`)
  return Number(s)
}

export function strings (v: unknown): string[] {
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

// First line of each ID file; a missing file is skipped under ignore (Podman: -i as typed).
export function readIdFiles (files: readonly string[], what: string, ignore: boolean): string[] {
  const ids: string[] = []
  for (const f of files) {
    try {
      ids.push(fs.readFileSync(f, 'utf8').split('\n')[0]!.trim())
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (ignore && code === 'ENOENT') continue
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message
      throw new PodctlError('INVALID_ARGUMENT', `${what}: open ${f}: ${why}`, { cause: err })
    }
  }
  return ids
}

export const REMOVE_COMMON_OPTIONS = {
  dryRun: { type: 'boolean', default: false, describe: 'Print the removal plan in waves and remove nothing' },
  maxWorkers: { type: 'string', describe: 'How many containers to remove at once (default: 4 per core, at least 4)' },
} as const

export const rmCommand: PodctlCommand = {
  command: 'rm [containers..]',
  aliases: ['remove'],
  describe: 'Remove one or more containers',
  examples: [
    ['podctl rm -f web db', 'stop and remove two containers'],
    ['podctl rm -fa -t 0', 'remove every container at once, killing without grace'],
    ['podctl rm --depend base --dry-run', 'show what removing base and its dependents would do'],
  ],
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Remove all containers' })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Force removal of a running or unusable container' })
    .option('time', { alias: 't', type: 'string', describe: 'Seconds to wait for stop before killing the container' })
    .option('volumes', { alias: 'v', type: 'boolean', default: false, describe: 'Remove anonymous volumes associated with the container' })
    .option('depend', { type: 'boolean', default: false, describe: 'Remove container and all containers that depend on the selected container' })
    .option('ignore', { alias: 'i', type: 'boolean', default: false, describe: 'Ignore errors when a specified container is missing' })
    .option('cidfile', { type: 'string', describe: 'Read the container ID from the file (repeatable)' })
    .option('filter', { type: 'string', describe: 'Filter output based on conditions given (repeatable)' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' })
    .option('dry-run', REMOVE_COMMON_OPTIONS.dryRun)
    .option('max-workers', REMOVE_COMMON_OPTIONS.maxWorkers)
    .option('format', FORMAT_OPTION),
  run: runRm,
}

async function runRm (ctx: CommandContext, argv: Args): Promise<CommandResult> {
  const refs = strings(argv['containers'])
  const cidfiles = strings(argv['cidfile'])
  const filters = strings(argv['filter'])
  const all = argv['all'] === true
  const force = argv['force'] === true
  const timeoutSec = parseTime(argv['time'])
  const maxWorkers = parseMaxWorkers(argv['max-workers'])
  if (argv['format'] !== undefined && !wantsJson(argv)) throw invalidArgument(`unsupported --format ${JSON.stringify(argv['format'])}: use json`)
  checkAllLatestAndIdFile(refs, { all, latest: argv['latest'] === true, idFiles: cidfiles, idFileFlag: 'cidfile', filterGiven: argv['filter'] !== undefined })
  if (timeoutSec !== undefined && !force) throw invalidArgument('--force option must be specified to use the --time option')
  refs.push(...readIdFiles(cidfiles, 'reading CIDFile', argv['ignore'] === true))
  for (const f of filters) if (!f.includes('=')) throw invalidArgument(`invalid filter "${f}"`)
  const filter = filters.length > 0 ? parseFiltersPlain(filters) : undefined
  const ignore = force || argv['ignore'] === true
  const resolved = resolveContainerTargets(ctx.store, { refs, all, latest: argv['latest'] === true, ignore, ...(filter === undefined ? {} : { filter }) })
  const prep = prepareRemoval(ctx.store, { mode: 'rm', targets: resolved.targets, force, depend: all || argv['depend'] === true, volumes: argv['volumes'] === true })
  if (argv['dry-run'] === true) return dryRunResult(prep, wantsJson(argv))
  const progress = ctx.progress('Removing containers', prep.containers.size)
  let report: RemoveReport
  try {
    report = await executeRemoval(ctx, prep, {
      backend: (ctx.removalBackend ?? createHostBackend)(ctx),
      ...(timeoutSec === undefined ? {} : { timeoutSec }),
      ...(maxWorkers === undefined ? {} : { maxWorkers }),
      onSettled: () => progress.tick(),
    })
  } finally {
    progress.done()
  }
  const errors = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error] : [])
  if (wantsJson(argv)) return { stdout: renderJson({ ...reportToJson(report), skipped: resolved.skipped }), errors, exitCode: batchExitCode(errors) }
  const removed = report.containers.filter(c => c.outcome.status === 'removed').map(c => c.input ?? c.id)
  return { stdout: renderLines(removed), errors, exitCode: batchExitCode(errors) }
}

// ps's filter parser, minus its hint line: rm's stderr is Podman's single line.
function parseFiltersPlain (filters: string[]): ReturnType<typeof parseContainerFilters> {
  try {
    return parseContainerFilters(filters)
  } catch (err) {
    throw isPodctlError(err) ? new PodctlError(err.code, err.message) : err
  }
}

export function dryRunResult (prep: PreparedRemoval, json: boolean): CommandResult {
  const plan = describeDryRun(prep)
  const errors = [...prep.preErrors.values()]
  const stdout = json ? renderJson({ dryRun: true, ...plan, cycles: prep.plan.cycles }) : renderDryRun(plan)
  return { stdout, errors, exitCode: batchExitCode(errors) }
}
