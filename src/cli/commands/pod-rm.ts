import fs from 'node:fs'

import { invalidArgument, isErrorCode } from '../../errors.js'
import { executeRemoval } from '../../removal/engine.js'
import { createHostBackend } from '../../removal/host-backend.js'
import { prepareRemoval } from '../../removal/prepare.js'
import type { RemoveReport } from '../../removal/report.js'
import { reportToJson } from '../../removal/report.js'
import { resolvePodTargets } from '../../removal/resolve.js'
import { getPod } from '../../state/pod-rows.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { FORMAT_OPTION } from '../command.js'
import type { CommandContext } from '../context.js'
import { parseRemovalFlags, REMOVE_COMMON_OPTIONS } from '../removal-flags.js'
import { renderJson, renderLines } from '../render.js'
import { dryRunResult } from './rm.js'

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
  const refs = [...f.refs]
  // Podman: an unreadable pod ID file is reported, and the other pods are still removed.
  const fileErrors: unknown[] = []
  for (const file of f.idFiles) {
    try {
      refs.push(fs.readFileSync(file, 'utf8').split('\n')[0]!.trim())
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      fileErrors.push(invalidArgument(`reading pod ID file: open ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`))
    }
  }
  const resolved = resolvePodTargets(ctx.store, { refs, all: f.all, latest: f.latest, ignore: f.ignore })
  const prep = prepareRemoval(ctx.store, { mode: 'pod-rm', targets: [], pods: resolved.targets, force: f.force, depend: false, volumes: true })
  if (argv['dry-run'] === true) {
    const r = dryRunResult(prep, f.json)
    return { ...r, exitCode: podExitCode(r.errors ?? []) }
  }
  const progress = ctx.progress('Removing pod containers', prep.containers.size)
  let report: RemoveReport
  const opts = {
    backend: (ctx.removalBackend ?? createHostBackend)(ctx),
    ...(f.timeoutSec === undefined ? {} : { timeoutSec: f.timeoutSec }),
    ...(f.maxWorkers === undefined ? {} : { maxWorkers: f.maxWorkers }),
    onSettled: () => progress.tick(),
  }
  try {
    report = await executeRemoval(ctx, prep, opts)
    // A container another process created in the pod while this run went: the pod row
    // stays with no member error. Those pods are planned and removed again (bounded).
    for (let round = 0; round < 3; round++) {
      if (!f.force) break
      const late = report.pods.flatMap(p => {
        const pod = p.outcome.status === 'failed' && p.memberErrors.length === 0 ? getPod(ctx.store, p.id) : undefined
        return pod === undefined ? [] : [pod]
      })
      if (late.length === 0) break
      const again = await executeRemoval(ctx, prepareRemoval(ctx.store, { ...prep.request, pods: late }), opts)
      report = mergeReports(report, again)
    }
  } finally {
    progress.done()
  }
  const errors: unknown[] = [...fileErrors]
  for (const p of report.pods) if (p.outcome.status === 'failed') errors.push(p.outcome.error, ...p.memberErrors)
  // Containers that joined a pod member's namespaces from outside the pod.
  const podIds = new Set(report.pods.map(p => p.id))
  for (const c of report.containers) if (c.outcome.status === 'failed' && (c.podId === null || !podIds.has(c.podId))) errors.push(c.outcome.error)
  const exitCode = podExitCode(errors)
  if (f.json) return { stdout: renderJson({ ...reportToJson(report), skipped: resolved.skipped }), errors, exitCode }
  return { stdout: renderLines(report.pods.filter(p => p.outcome.status === 'removed').map(p => p.id)), errors, exitCode }
}

// pod rm: 1 when any pod was missing, 125 for anything else, 0 when all went.
function podExitCode (errors: readonly unknown[]): number {
  if (errors.length === 0) return 0
  return errors.some(e => isErrorCode(e, 'NO_SUCH_POD')) ? 1 : 125
}

// The first run's report with a later run's pods and containers taking their place.
function mergeReports (first: RemoveReport, later: RemoveReport): RemoveReport {
  const pods = new Map(first.pods.map(p => [p.id, p]))
  for (const p of later.pods) pods.set(p.id, p)
  const containers = new Map(first.containers.map(c => [c.id, c]))
  for (const c of later.containers) containers.set(c.id, c)
  return { containers: [...containers.values()], pods: [...pods.values()], events: [...first.events, ...later.events] }
}
