import { killContainer } from '../../containers/kill-container.js'
import { observeContainers } from '../../containers/auto-remove.js'
import { parseSignal } from '../../runtime/signals.js'
import type { PodctlCommand } from '../command.js'
import { renderLines } from '../render.js'
import { resolveTargets } from './stop.js'

export const killCommand: PodctlCommand = {
  command: 'kill [containers..]',
  describe: 'Kill one or more running containers with a specific signal',
  examples: [['podctl kill -s HUP web', 'send SIGHUP to the container init']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('signal', { alias: 's', type: 'string', default: 'KILL', describe: 'Signal to send to the container' })
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Signal all running containers' })
    .option('cidfile', { type: 'string', describe: 'Read the container ID from the file (repeatable)' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const sig = parseSignal(String(argv['signal']))
    const { targets, errors } = resolveTargets(ctx, argv, true)
    if (errors.length > 0) return { errors, exitCode: 125 }
    await observeContainers(ctx, targets.map(t => t[1]))
    const out: string[] = []
    const failures: unknown[] = []
    for (const [ref, c] of targets) {
      try {
        await killContainer(ctx, c, sig)
        out.push(ref)
      } catch (err) {
        failures.push(err)
      }
    }
    return { stdout: renderLines(out), errors: failures, ...(failures.length > 0 ? { exitCode: 125 } : {}) }
  },
}
