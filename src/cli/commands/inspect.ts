import { inspectContainerViews, observeContainers, PodctlError, renderTemplate, selectContainers } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { strings } from '../removal-flags.js'

// Podman prints inspect output with a 5-space indent, always as an array.
const renderInspect = (items: unknown[]): string => JSON.stringify(items, null, 5) + '\n'

export const inspectCommand: PodctlCommand = {
  command: 'inspect [names..]',
  describe: 'Display the configuration of a container',
  examples: [['podctl inspect --format "{{.State.Pid}}" web', 'one field']],
  builder: y => y
    .positional('names', { type: 'string', array: true })
    .option('format', { alias: 'f', type: 'string', describe: 'json (default) or a Go template such as {{.State.Status}}' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = strings(argv['names'])
    const latest = argv['latest'] === true
    const typed = argv._.map(String).includes('container')
    if (refs.length === 0 && !latest) return { stdout: '[]\n', errors: [new PodctlError('INVALID_ARGUMENT', 'no names or ids specified')], exitPolicy: 'any-error' }
    if (refs.length > 0 && latest) return { errors: [new PodctlError('INVALID_ARGUMENT', '--latest and arguments cannot be used together')], exitPolicy: 'any-error' }
    // The latest first, then each name in order, a name given twice shown twice (Podman).
    const latestSel = latest ? selectContainers(ctx, { latest, onMissing: 'collect', wording: 'inspect' }).targets : []
    const found = latestSel.map(t => t.record)
    const errors: unknown[] = []
    for (const r of refs) {
      const sel = selectContainers(ctx, { refs: [r], onMissing: 'collect', wording: typed ? 'container inspect' : 'inspect' })
      found.push(...sel.targets.map(t => t.record))
      errors.push(...sel.errors)
    }
    await observeContainers(ctx, found)
    const views = inspectContainerViews(ctx, found)
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? renderInspect(views) : renderTemplate(format, views, { name: 'inspect', typeName: '*define.InspectContainerData' })
    return { stdout, errors, exitPolicy: 'any-error' }
  },
}
