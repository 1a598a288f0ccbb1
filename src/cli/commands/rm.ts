import fs from 'node:fs'

import { batchExitCode, invalidArgument, PodctlError } from '../../errors.js'
import { describeDryRun, renderDryRun } from '../../removal/dry-run.js'
import { executeRemoval } from '../../removal/engine.js'
import { createHostBackend } from '../../removal/host-backend.js'
import { prepareRemoval } from '../../removal/prepare.js'
import type { PreparedRemoval } from '../../removal/prepare.js'
import type { RemoveReport } from '../../removal/report.js'
import { reportToJson } from '../../removal/report.js'
import { resolveContainerTargets } from '../../removal/resolve.js'
import { parseContainerFilters } from '../../targets/container-filters.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { FORMAT_OPTION } from '../command.js'
import type { CommandContext } from '../context.js'
import { parseRemovalFlags, REMOVE_COMMON_OPTIONS, strings } from '../removal-flags.js'
import { renderJson, renderLines } from '../render.js'

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
  const filters = strings(argv['filter'])
  const f = parseRemovalFlags(argv, { refsKey: 'containers', idFileFlag: 'cidfile', filterGiven: argv['filter'] !== undefined })
  const refs = [...f.refs, ...readIdFiles(f.idFiles, 'reading CIDFile', argv['ignore'] === true)]
  const filter = argv['filter'] !== undefined ? parseContainerFilters(filters, x => invalidArgument(`invalid filter "${x}"`)) : undefined
  const resolved = resolveContainerTargets(ctx.store, { refs, all: f.all, latest: f.latest, ignore: f.ignore, ...(filter === undefined ? {} : { filter }) })
  const prep = prepareRemoval(ctx.store, { mode: 'rm', targets: resolved.targets, force: f.force, depend: f.all || argv['depend'] === true, volumes: argv['volumes'] === true })
  if (argv['dry-run'] === true) return dryRunResult(prep, f.json)
  const progress = ctx.progress('Removing containers', prep.containers.size)
  let report: RemoveReport
  try {
    report = await executeRemoval(ctx, prep, {
      backend: (ctx.removalBackend ?? createHostBackend)(ctx),
      ...(f.timeoutSec === undefined ? {} : { timeoutSec: f.timeoutSec }),
      ...(f.maxWorkers === undefined ? {} : { maxWorkers: f.maxWorkers }),
      onSettled: () => progress.tick(),
    })
  } finally {
    progress.done()
  }
  const errors = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error] : [])
  if (f.json) return { stdout: renderJson({ ...reportToJson(report), skipped: resolved.skipped }), errors, exitCode: batchExitCode(errors) }
  const removed = report.containers.filter(c => c.outcome.status === 'removed').map(c => c.input ?? c.id)
  return { stdout: renderLines(removed), errors, exitCode: batchExitCode(errors) }
}

export function dryRunResult (prep: PreparedRemoval, json: boolean): CommandResult {
  const plan = describeDryRun(prep)
  const errors = [...prep.preErrors.values()]
  const stdout = json ? renderJson({ dryRun: true, ...plan, cycles: prep.plan.cycles }) : renderDryRun(plan)
  return { stdout, errors, exitCode: batchExitCode(errors) }
}
