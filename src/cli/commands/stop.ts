import fs from 'node:fs'

import { PodctlError } from '../../errors.js'
import { observeContainers } from '../../containers/auto-remove.js'
import { stopContainer } from '../../containers/stop-container.js'
import { listContainers, lookupContainer, noSuchContainer } from '../../state/container-rows.js'
import type { ContainerRecord } from '../../state/types.js'
import type { Args, PodctlCommand } from '../command.js'
import type { CommandContext } from '../context.js'
import { checkAllLatestAndIdFile, parseTimeFlag } from '../removal-flags.js'
import { renderLines } from '../render.js'

export function latestContainer (ctx: CommandContext): [string, ContainerRecord][] {
  const all = listContainers(ctx.store)
  const last = all[all.length - 1]
  return last === undefined ? [] : [[last.id, last]]
}

// Resolves the targets of stop/kill: names/IDs, --cidfile, --all, --latest. Printed as typed.
export function resolveTargets (ctx: CommandContext, argv: Args, onlyRunning: boolean): { targets: [string, ContainerRecord][], errors: unknown[] } {
  const refs = ((argv['containers'] as string[] | undefined) ?? []).map(String)
  const ignore = argv['ignore'] === true
  const targets: [string, ContainerRecord][] = []
  const errors: unknown[] = []
  const cidfiles = argv['cidfile'] === undefined ? [] : (Array.isArray(argv['cidfile']) ? argv['cidfile'] as unknown[] : [argv['cidfile']]).map(String)
  checkAllLatestAndIdFile(refs, { all: argv['all'] === true, latest: argv['latest'] === true, idFiles: cidfiles, idFileFlag: 'cidfile' })
  if (argv['all'] === true) {
    for (const c of listContainers(ctx.store)) if (!onlyRunning || c.state === 'running') targets.push([c.id, c])
  }
  if (argv['latest'] === true) targets.push(...latestContainer(ctx))
  for (const file of cidfiles) {
    let id: string
    try { id = fs.readFileSync(file, 'utf8').trim() } catch (cause) {
      if (!ignore) errors.push(new PodctlError('INVALID_ARGUMENT', `reading CIDFile: open ${file}: no such file or directory`, { cause }))
      continue
    }
    const c = lookupContainer(ctx.store, id)
    if (c !== undefined) targets.push([c.id, c])
    else if (!ignore) errors.push(noSuchContainer(id))
  }
  for (const r of refs) {
    const c = lookupContainer(ctx.store, r)
    if (c !== undefined) targets.push([r, c])
    else if (!ignore) errors.push(noSuchContainer(r))
  }
  return { targets, errors }
}

export const stopCommand: PodctlCommand = {
  command: 'stop [containers..]',
  describe: 'Stop one or more containers',
  examples: [['podctl stop -t 2 web', 'stop, SIGKILL after 2 seconds'], ['podctl stop -t -1 web', 'wait as long as web takes to stop, never SIGKILL']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('time', { alias: ['t', 'timeout'], type: 'string', describe: 'Seconds to wait for stop before killing the container' })
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Stop all running containers' })
    .option('ignore', { alias: 'i', type: 'boolean', default: false, describe: 'Ignore errors when a specified container is missing' })
    .option('cidfile', { type: 'string', describe: 'Read the container ID from the file (repeatable)' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const timeoutSec = parseTimeFlag(argv['time'])
    const { targets, errors } = resolveTargets(ctx, argv, true)
    // Podman aborts before stopping anything when a target is missing.
    if (errors.length > 0) return { errors, exitCode: 125 }
    await observeContainers(ctx, targets.map(t => t[1]))
    const out: string[] = []
    const failures: unknown[] = []
    await Promise.all(targets.map(async ([ref, c]) => {
      try {
        await stopContainer(ctx, c, timeoutSec === undefined ? {} : { timeoutSec })
        out.push(ref)
      } catch (err) {
        failures.push(err)
      }
    }))
    return { stdout: renderLines(out), errors: failures, ...(failures.length > 0 ? { exitCode: 125 } : {}) }
  },
}
