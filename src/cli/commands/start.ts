import { invalidArgument, observeContainers, selectContainers, startContainer } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderLines } from '../render.js'

export const startCommand: PodctlCommand = {
  command: 'start [containers..]',
  describe: 'Start one or more containers',
  examples: [['podctl start web', 'start a created or exited container']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = strings(argv['containers'])
    const latest = argv['latest'] === true
    // Podman's start validation, in its order and words.
    if (refs.length === 0 && !latest) return { errors: [invalidArgument('start requires at least one argument')], exitPolicy: 'any-error' }
    if (refs.length > 0 && latest) return { errors: [invalidArgument('--latest and containers cannot be used together')], exitPolicy: 'any-error' }
    await observeContainers(ctx)
    let targets
    try {
      targets = selectContainers(ctx, { refs, latest, onMissing: 'throw', wording: 'lookup' }).targets
    } catch (err) {
      return { errors: [err], exitPolicy: 'any-error' }
    }
    const out: string[] = []
    const errors: unknown[] = []
    for (const t of targets) {
      try {
        await startContainer(ctx, t.record)
        out.push(t.input ?? t.record.id)
      } catch (err) {
        errors.push(err)
      }
    }
    return { stdout: renderLines(out), errors, exitPolicy: 'any-error' }
  },
}
