import { describeRemoval, removePods, reportToJson, selectPods } from '../../index.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { FORMAT_OPTION } from '../command.js'
import type { CommandContext } from '../context.js'
import { parseRemovalFlags, REMOVE_COMMON_OPTIONS } from '../removal-flags.js'
import { dryRunResult, runWithProgress } from '../removal-render.js'
import { renderJson, renderLines } from '../render.js'

export const podRmCommand: PodctlCommand = {
  command: 'rm [pods..]',
  aliases: ['remove'],
  describe: 'Remove one or more pods',
  examples: [
    ['podctl pod rm -fa -t 0', 'remove every pod and its containers at once'],
    ['podctl pod rm --dry-run web', 'show the order in which pod web would be taken apart'],
  ],
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Remove all running pods' })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Force removal of a running pod by first stopping all containers, then removing all containers in the pod.  The default is false' })
    .option('ignore', { alias: 'i', type: 'boolean', default: false, describe: 'Ignore errors when a specified pod is missing' })
    .option('pod-id-file', { type: 'string', describe: 'Read the pod ID from the file (repeatable)' })
    .option('time', { alias: 't', type: 'string', describe: 'Seconds to wait for pod stop before killing the container' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest pod podctl is aware of' })
    .option('dry-run', REMOVE_COMMON_OPTIONS.dryRun)
    .option('max-workers', REMOVE_COMMON_OPTIONS.maxWorkers)
    .option('format', FORMAT_OPTION),
  run: runPodRm,
}

async function runPodRm (ctx: CommandContext, argv: Args): Promise<CommandResult> {
  const f = parseRemovalFlags(argv, { refsKey: 'pods', idFileFlag: 'pod-id-file' })
  // Podman: an unreadable pod ID file is reported, and the other pods are still removed.
  const selection = selectPods(ctx, { refs: f.refs, idFiles: f.idFiles, all: f.all, latest: f.latest, onMissing: f.ignore ? 'skip' : 'throw' })
  const request = { mode: 'pod-rm' as const, targets: [], pods: selection.targets.map(t => t.record), force: f.force, depend: false, volumes: true }
  if (argv['dry-run'] === true) {
    const dry = describeRemoval(ctx, request)
    return dryRunResult(dry, f.json, 'pod-rm')
  }
  const report = await runWithProgress(ctx, f, 'Removing pod containers', opts => removePods(ctx, request, opts))
  const errors: unknown[] = [...selection.errors]
  for (const p of report.pods) if (p.outcome.status === 'failed') errors.push(p.outcome.error, ...p.memberErrors)
  // Containers that joined a pod member's namespaces from outside the pod.
  const podIds = new Set(report.pods.map(p => p.id))
  for (const c of report.containers) if (c.outcome.status === 'failed' && (c.podId === null || !podIds.has(c.podId))) errors.push(c.outcome.error)
  if (f.json) return { stdout: renderJson({ ...reportToJson(report), skipped: selection.skipped }), errors, exitPolicy: 'pod-rm' }
  return { stdout: renderLines(report.pods.filter(p => p.outcome.status === 'removed').map(p => p.id)), errors, exitPolicy: 'pod-rm' }
}
