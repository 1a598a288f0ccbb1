import { invalidArgument, listContainerEntries, observeContainers, parseContainerFilters, portsText, PS_HEADERS, psTemplateRow, renderTemplate, selectContainers, shortId } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { wantsJson } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderJson, renderLines, renderTable } from '../render.js'

export const psCommand: PodctlCommand = {
  command: 'ps',
  aliases: ['ls', 'list'],
  describe: 'List containers',
  examples: [['podctl ps -a --format json', 'all containers as JSON'], ['podctl ps -q --filter label=app=web', 'IDs of matching running containers']],
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Show all the containers, default is only running containers' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print the numeric IDs of the containers only' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Display the extended information' })
    .option('filter', { alias: 'f', type: 'string', describe: 'Filter output based on conditions given' })
    .option('format', { type: 'string', describe: 'Pretty-print containers to JSON or using a Go template' }),
  async run (ctx, argv) {
    const raw = strings(argv['filter'])
    const filter = parseContainerFilters(raw, f => invalidArgument(`invalid filter "${f}": must be in the format "filter=value"`))
    const hasStatusFilter = raw.some(f => f.startsWith('status='))
    // Containers whose process died since the last look are shown as exited (one runtime
    // exec); exited --rm containers are removed.
    await observeContainers(ctx)
    const picked = selectContainers(ctx, { all: true, filter, onMissing: 'collect', wording: 'lookup' }).targets.map(t => t.record)
    const entries = listContainerEntries(ctx, picked.filter(c => argv['all'] === true || hasStatusFilter || c.state === 'running'))
    if (wantsJson(argv)) return { stdout: renderJson(entries) }
    const trunc = argv['no-trunc'] !== true
    if (argv['format'] !== undefined && argv['quiet'] !== true) {
      return { stdout: renderTemplate(String(argv['format']), entries.map(e => psTemplateRow(e, trunc)), { name: 'ps', typeName: 'ps.psReporter', headers: PS_HEADERS }) }
    }
    if (argv['quiet'] === true) return { stdout: renderLines(entries.map(e => trunc ? shortId(e.Id) : e.Id)) }
    return {
      stdout: renderTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], entries.map(e => [
        trunc ? shortId(e.Id) : e.Id,
        e.Image,
        trunc ? truncate(e.Command.join(' '), 20) : e.Command.join(' '),
        e.CreatedAt,
        e.Status,
        portsText(e),
        e.Names.join(','),
      ])),
    }
  },
}

function truncate (s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 3) + '...' : s
}
