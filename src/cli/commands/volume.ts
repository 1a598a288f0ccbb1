import { createVolume, inspectVolumes, invalidArgument, listVolumesMatching, parseLabels, parseVolumeFilters, pruneVolumes, removeVolumes, renderTemplate, toVolumeView, VOLUME_LS_FILTERS, VOLUME_PRUNE_FILTERS } from '../../index.js'
import { parseTimeFlag, strings } from '../removal-flags.js'
import type { PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import { renderJson, renderLines, renderTable } from '../render.js'
import { existsCommand } from '../exists-command.js'

const createCommand: PodctlCommand = {
  command: 'create [name]',
  describe: 'Create a new volume',
  examples: [['podctl volume create data', 'a named volume under <root>/volumes/data/_data']],
  builder: y => y.positional('name', { type: 'string' })
    .option('label', { alias: 'l', type: 'string', array: true, describe: 'Set metadata for a volume (key=value)' }),
  run (ctx, argv) {
    const labels = parseLabels(((argv['label'] as string[] | undefined) ?? []))
    const v = createVolume(ctx, { ...(argv['name'] === undefined ? {} : { name: String(argv['name']) }), labels })
    return { stdout: `${v.name}\n` }
  },
}

const lsCommand: PodctlCommand = {
  command: 'ls',
  aliases: ['list'],
  describe: 'List volumes',
  examples: [['podctl volume ls --filter label=app=web -q', 'names of the volumes labelled app=web'], ['podctl volume ls --filter dangling=true', 'volumes no container uses']],
  builder: y => y
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print volume names only' })
    .option('filter', { alias: 'f', type: 'string', describe: 'Filter volume output (repeatable): name, label, label!, driver, scope, dangling, until, after' })
    .option('noheading', { alias: 'n', type: 'boolean', default: false, describe: 'Do not print headers' })
    .option('format', FORMAT_OPTION),
  run (ctx, argv) {
    const filter = parseVolumeFilters(strings(argv['filter']), VOLUME_LS_FILTERS)
    const vols = listVolumesMatching(ctx, (volumes, userCount) => filter({ volumes, userCount }))
    if (wantsJson(argv)) return { stdout: renderJson(vols.map(toVolumeView)) }
    if (argv['quiet'] === true) return { stdout: renderLines(vols.map(v => v.name)) }
    const noHeading = argv['noheading'] === true
    if (argv['format'] !== undefined) {
      const format = String(argv['format'])
      return { stdout: renderTemplate(noHeading ? format.replace(/^table\s+/, '') : format, vols.map(toVolumeView), { name: 'volume ls', typeName: 'entities.VolumeListReport', headers: { Name: 'VOLUME NAME' } }) }
    }
    const table = renderTable(['DRIVER', 'VOLUME NAME'], vols.map(v => ['local', v.name]))
    return { stdout: noHeading ? table.split('\n').slice(1).join('\n') : table }
  },
}

const inspectCommand: PodctlCommand = {
  command: 'inspect [names..]',
  describe: 'Display detailed information on one or more volumes',
  examples: [['podctl volume inspect --all --format json', 'every volume']],
  builder: y => y.positional('names', { type: 'string', array: true })
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Inspect all volumes' })
    .option('format', { alias: 'f', type: 'string', describe: 'Format volume output using JSON or a Go template' }),
  run (ctx, argv) {
    const names = strings(argv['names'])
    const all = argv['all'] === true
    if ((names.length > 0 && all) || (names.length === 0 && !all)) throw invalidArgument('provide one or more volume names or use --all')
    const { views, errors } = all ? inspectVolumes(ctx, listVolumesMatching(ctx, () => () => true).map(v => v.name)) : inspectVolumes(ctx, names)
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? JSON.stringify(views, null, 5) + '\n' : renderTemplate(format, views, { name: 'volume inspect', typeName: 'entities.VolumeConfigResponse' })
    return { stdout, errors, exitPolicy: 'any-error' }
  },
}

const rmCommand: PodctlCommand = {
  command: 'rm [names..]',
  aliases: ['remove'],
  describe: 'Remove one or more volumes not used by any container',
  examples: [['podctl volume rm data', 'remove the volume data'], ['podctl volume rm -af', 'remove every volume, and the containers using them first']],
  builder: y => y.positional('names', { type: 'string', array: true })
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Remove all volumes' })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Remove the containers using the volume first; do not fail on volumes that do not exist' })
    .option('time', { alias: 't', type: 'string', describe: 'Seconds to wait for running containers to stop before killing the container' }),
  async run (ctx, argv) {
    const names = strings(argv['names'])
    const all = argv['all'] === true
    const force = argv['force'] === true
    if ((names.length > 0 && all) || (names.length === 0 && !all)) throw invalidArgument('choose either one or more volumes or all')
    const timeoutSec = parseTimeFlag(argv['time'])
    const backend = ctx.removalBackend?.(ctx)
    const { removed, errors } = await removeVolumes(ctx, { names, all, force }, {
      ...(backend === undefined ? {} : { backend }), ...(timeoutSec === undefined ? {} : { timeoutSec }),
    })
    return { stdout: renderLines(removed), errors }
  },
}

const pruneCommand: PodctlCommand = {
  command: 'prune',
  describe: 'Remove all volumes not used by any container',
  examples: [['podctl volume prune -f --filter label=tmp', 'remove the unused volumes labelled tmp']],
  builder: y => y
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Do not prompt for confirmation' })
    .option('filter', { type: 'string', describe: 'Provide filter values (repeatable): label, label!, until, after' }),
  run (ctx, argv) {
    const filter = parseVolumeFilters(strings(argv['filter']), VOLUME_PRUNE_FILTERS)
    return { stdout: renderLines(pruneVolumes(ctx, volumes => filter({ volumes, userCount: () => 0 }))) }
  },
}

export const volumeGroup: PodctlGroup = {
  command: 'volume <command>',
  describe: 'Manage volumes',
  subcommands: [createCommand, lsCommand, inspectCommand, rmCommand, pruneCommand, existsCommand('volume')],
}
