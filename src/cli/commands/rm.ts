import { describeRemoval, invalidArgument, parseContainerFilters, removeContainers, reportToJson, selectContainers } from '../../index.js'
import type { RemovalTarget } from '../../index.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { FORMAT_OPTION } from '../command.js'
import type { CommandContext } from '../context.js'
import { parseRemovalFlags, REMOVE_COMMON_OPTIONS, strings } from '../removal-flags.js'
import { dryRunResult, runWithProgress } from '../removal-render.js'
import { renderJson, renderLines } from '../render.js'

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
  const f = parseRemovalFlags(argv, { refsKey: 'containers', idFileFlag: 'cidfile', filterGiven: argv['filter'] !== undefined })
  const filter = argv['filter'] === undefined ? undefined : parseContainerFilters(strings(argv['filter']), x => invalidArgument(`invalid filter "${x}"`))
  const selection = selectContainers(ctx, {
    refs: f.refs, idFiles: f.idFiles, all: f.all, latest: f.latest, onMissing: f.ignore ? 'skip' : 'throw', wording: 'rm',
    ignoreMissingIdFiles: argv['ignore'] === true, ...(filter === undefined ? {} : { filter }),
  })
  const targets: RemovalTarget[] = selection.targets.map(t => t.input === undefined ? { id: t.record.id } : { id: t.record.id, input: t.input })
  const request = { mode: 'rm' as const, targets, force: f.force, depend: f.all || argv['depend'] === true, volumes: argv['volumes'] === true }
  if (argv['dry-run'] === true) return dryRunResult(describeRemoval(ctx, request), f.json)
  const report = await runWithProgress(ctx, f, 'Removing containers', opts => removeContainers(ctx, request, opts))
  const errors = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error] : [])
  if (f.json) return { stdout: renderJson({ ...reportToJson(report), skipped: selection.skipped }), errors }
  const removed = report.containers.filter(c => c.outcome.status === 'removed').map(c => c.input ?? c.id)
  return { stdout: renderLines(removed), errors }
}
