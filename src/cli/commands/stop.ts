import { observeContainers, stopContainer } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { selectRunningTargets } from '../container-targets.js'
import { parseTimeFlag } from '../removal-flags.js'
import { renderLines } from '../render.js'

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
    const { targets, errors } = selectRunningTargets(ctx, argv)
    // Podman aborts before stopping anything when a target is missing.
    if (errors.length > 0) return { errors, exitPolicy: 'any-error' }
    await observeContainers(ctx, targets.map(t => t.record))
    const out: string[] = []
    const failures: unknown[] = []
    await Promise.all(targets.map(async t => {
      try {
        await stopContainer(ctx, t.record, timeoutSec === undefined ? {} : { timeoutSec })
        out.push(t.input ?? t.record.id)
      } catch (err) {
        failures.push(err)
      }
    }))
    return { stdout: renderLines(out), errors: failures, exitPolicy: 'any-error' }
  },
}
