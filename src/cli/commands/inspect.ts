import { PodctlError } from '../../errors.js'
import { observeContainers } from '../../containers/auto-remove.js'
import { getContainer, lookupContainer } from '../../state/container-rows.js'
import { toInspectView } from '../../views/container-inspect.js'
import { renderTemplate } from '../../views/go-template.js'
import type { PodctlCommand } from '../command.js'
import { latestContainer } from './stop.js'

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
    const refs = ((argv['names'] as string[] | undefined) ?? []).map(String)
    const typed = argv._.map(String).includes('container')
    if (refs.length === 0 && argv['latest'] !== true) return { stdout: '[]\n', errors: [new PodctlError('INVALID_ARGUMENT', 'no names or ids specified')], exitCode: 125 }
    if (refs.length > 0 && argv['latest'] === true) return { errors: [new PodctlError('INVALID_ARGUMENT', '--latest and arguments cannot be used together')], exitCode: 125 }
    const found = argv['latest'] === true ? latestContainer(ctx).map(([, c]) => c) : []
    const errors: unknown[] = []
    for (const r of refs) {
      const c = lookupContainer(ctx.store, r)
      if (c !== undefined) found.push(c)
      else errors.push(new PodctlError('NO_SUCH_CONTAINER', typed ? `no such container "${r}"` : `no such object: "${r}"`))
    }
    await observeContainers(ctx, found)
    const views = ctx.store.read(() => found.map(c => toInspectView(ctx.store, getContainer(ctx.store, c.id) ?? c)))
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? renderInspect(views) : renderTemplate(format, views, { name: 'inspect', typeName: '*define.InspectContainerData' })
    return { stdout, errors, ...(errors.length > 0 ? { exitCode: 125 } : {}) }
  },
}
