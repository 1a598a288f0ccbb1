import { parseLabels } from '../../containers/labels.js'
import { createVolume, pruneVolumes, removeVolume, toVolumeView } from '../../storage/volumes.js'
import { getVolume, listVolumes, noSuchVolume } from '../../state/volume-rows.js'
import { renderTemplate } from '../../views/go-template.js'
import { containersUsingVolume, removeUsingContainers } from '../remove-users.js'
import type { PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import { renderJson, renderLines, renderTable } from '../render.js'

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
  builder: y => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print volume names only' }).option('format', FORMAT_OPTION),
  run (ctx, argv) {
    const vols = listVolumes(ctx.store)
    if (wantsJson(argv)) return { stdout: renderJson(vols.map(toVolumeView)) }
    if (argv['quiet'] === true) return { stdout: renderLines(vols.map(v => v.name)) }
    if (argv['format'] !== undefined) return { stdout: renderTemplate(String(argv['format']), vols.map(toVolumeView), { name: 'volume ls', typeName: 'entities.VolumeListReport', headers: { Name: 'VOLUME NAME' } }) }
    return { stdout: renderTable(['DRIVER', 'VOLUME NAME'], vols.map(v => ['local', v.name])) }
  },
}

const inspectCommand: PodctlCommand = {
  command: 'inspect <names..>',
  describe: 'Display detailed information on one or more volumes',
  builder: y => y.positional('names', { type: 'string', array: true }).option('format', FORMAT_OPTION),
  run (ctx, argv) {
    const views: unknown[] = []
    const errors: unknown[] = []
    for (const n of (argv['names'] as string[]).map(String)) {
      const v = getVolume(ctx.store, n)
      if (v === undefined) errors.push(noSuchVolume(n))
      else views.push(toVolumeView(v))
    }
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? JSON.stringify(views, null, 5) + '\n' : renderTemplate(format, views, { name: 'volume inspect', typeName: 'entities.VolumeConfigResponse' })
    return { stdout, errors, ...(errors.length > 0 ? { exitCode: 125 } : {}) }
  },
}

const rmCommand: PodctlCommand = {
  command: 'rm <names..>',
  aliases: ['remove'],
  describe: 'Remove one or more volumes not used by any container',
  builder: y => y.positional('names', { type: 'string', array: true })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Remove the containers using the volume first; do not fail on volumes that do not exist' }),
  async run (ctx, argv) {
    const out: string[] = []
    const errors: unknown[] = []
    for (const n of (argv['names'] as string[]).map(String)) {
      if (argv['force'] === true && getVolume(ctx.store, n) === undefined) continue
      try {
        if (argv['force'] === true) await removeUsingContainers(ctx, containersUsingVolume(ctx, n), `volume ${n}`)
        out.push(removeVolume(ctx, n).name)
      } catch (err) { errors.push(err) }
    }
    return { stdout: renderLines(out), errors }
  },
}

const pruneCommand: PodctlCommand = {
  command: 'prune',
  describe: 'Remove all volumes not used by any container',
  builder: y => y.option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Do not prompt for confirmation' }),
  run (ctx) {
    return { stdout: renderLines(pruneVolumes(ctx)) }
  },
}

export const volumeGroup: PodctlGroup = {
  command: 'volume <command>',
  describe: 'Manage volumes',
  subcommands: [createCommand, lsCommand, inspectCommand, rmCommand, pruneCommand],
}
