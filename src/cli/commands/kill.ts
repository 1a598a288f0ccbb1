import { killContainer, observeContainers, parseSignal } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { selectRunningTargets } from '../container-targets.js'
import { renderLines } from '../render.js'

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
    const { targets, errors } = selectRunningTargets(ctx, argv)
    if (errors.length > 0) return { errors, exitPolicy: 'any-error' }
    await observeContainers(ctx, targets.map(t => t.record))
    const out: string[] = []
    const failures: unknown[] = []
    for (const t of targets) {
      try {
        await killContainer(ctx, t.record, sig)
        out.push(t.input ?? t.record.id)
      } catch (err) {
        failures.push(err)
      }
    }
    return { stdout: renderLines(out), errors: failures, exitPolicy: 'any-error' }
  },
}
