import { invalidArgument, parseWaitConditions, parseWaitInterval, selectContainers, waitForContainer } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderLines } from '../render.js'

export const waitCommand: PodctlCommand = {
  command: 'wait [containers..]',
  describe: 'Block on one or more containers',
  examples: [['podctl wait web', 'wait for web to stop and print its exit code'], ['podctl wait --condition running db', 'wait until db runs (prints -1)']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('condition', { type: 'string', describe: 'Condition to wait on (repeatable): created, running, stopped, exited, removing (default stopped)' })
    .option('interval', { alias: 'i', type: 'string', default: '250ms', describe: 'Time interval to wait before polling for completion' })
    .option('ignore', { type: 'boolean', default: false, describe: 'Ignore if a container does not exist' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = strings(argv['containers'])
    const latest = argv['latest'] === true
    if (refs.length === 0 && !latest) throw invalidArgument('you must provide at least one container name or id')
    if (refs.length > 0 && latest) throw invalidArgument('--latest and containers cannot be used together')
    const conditions = parseWaitConditions(strings(argv['condition']))
    const intervalMs = parseWaitInterval(String(argv['interval']))
    const { targets, errors } = selectContainers(ctx, { refs, latest, onMissing: argv['ignore'] === true ? 'skip' : 'collect', wording: 'lookup' })
    if (errors.length > 0) return { errors, exitPolicy: 'any-error' }
    // Podman waits on each in turn and prints the codes in the order given.
    const codes: string[] = []
    const failures: unknown[] = []
    for (const t of targets) {
      try {
        codes.push(String(await waitForContainer(ctx, t.record, conditions, intervalMs)))
      } catch (err) { failures.push(err) }
    }
    return { stdout: renderLines(codes), errors: failures, exitPolicy: 'any-error' }
  },
}
