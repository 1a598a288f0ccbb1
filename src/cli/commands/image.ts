import { humanDuration, importImage, listImageRecords, removeImages, renderTemplate, shortId } from '../../index.js'
import type { PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderJson, renderLines, renderTable } from '../render.js'
import { existsCommand } from '../exists-command.js'

const importCommand: PodctlCommand = {
  command: 'import <path> <name>',
  describe: 'Import a rootfs directory or tarball as an image',
  examples: [['podctl image import ./rootfs.tar busybox', 'import a tarball']],
  builder: y => y.positional('path', { type: 'string' }).positional('name', { type: 'string' }),
  async run (ctx, argv) {
    const image = await importImage(ctx, String(argv['path']), String(argv['name']))
    return { stdout: `${image.id}\n` }
  },
}

const lsCommand: PodctlCommand = {
  command: 'ls',
  aliases: ['list'],
  describe: 'List images',
  builder: y => y
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Display only image IDs' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Do not truncate output' })
    .option('format', FORMAT_OPTION),
  run (ctx, argv) {
    const images = listImageRecords(ctx)
    if (wantsJson(argv)) return { stdout: renderJson(images.map(i => ({ Id: i.id, Names: [i.name], Created: Math.floor(i.createdAt / 1000), Size: i.size, Source: i.source }))) }
    const id = (s: string): string => argv['no-trunc'] === true ? s : shortId(s)
    if (argv['quiet'] === true) return { stdout: renderLines(images.map(i => id(i.id))) }
    const now = Date.now()
    if (argv['format'] !== undefined) {
      // Podman's image reporter fields.
      const rows = images.map(i => {
        const colon = i.name.lastIndexOf(':')
        return {
          ID: id(i.id), Id: i.id, Repository: i.name.slice(0, colon), Tag: i.name.slice(colon + 1), Names: [i.name],
          Created: `${humanDuration(now - i.createdAt)} ago`, CreatedSince: `${humanDuration(now - i.createdAt)} ago`, CreatedAt: new Date(i.createdAt).toISOString(),
          Size: `${(i.size / 1e6).toFixed(1)} MB`, VirtualSize: i.size, Source: i.source,
        }
      })
      return { stdout: renderTemplate(String(argv['format']), rows, { name: 'images', typeName: 'images.imageReporter', headers: { ID: 'IMAGE ID', Id: 'IMAGE ID', CreatedSince: 'CREATED' } }) }
    }
    return {
      stdout: renderTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], images.map(i => {
        const colon = i.name.lastIndexOf(':')
        return [i.name.slice(0, colon), i.name.slice(colon + 1), id(i.id), `${humanDuration(now - i.createdAt)} ago`, `${(i.size / 1e6).toFixed(1)} MB`]
      })),
    }
  },
}

const rmCommand: PodctlCommand = {
  command: 'rm <images..>',
  aliases: ['remove'],
  describe: 'Remove images not used by any container',
  builder: y => y.positional('images', { type: 'string', array: true })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Remove the containers using the image first' }),
  async run (ctx, argv) {
    const backend = ctx.removalBackend?.(ctx)
    const { removed, errors } = await removeImages(ctx, strings(argv['images']), argv['force'] === true, backend === undefined ? {} : { backend })
    return { stdout: renderLines(removed.map(id => `Deleted: ${id}`)), errors }
  },
}

export const imageGroup: PodctlGroup = {
  command: 'image <command>',
  describe: 'Manage images',
  subcommands: [importCommand, lsCommand, rmCommand, existsCommand('image')],
}

// Podman's top-level shortcuts.
export const imagesCommand: PodctlCommand = { ...lsCommand, command: 'images', aliases: [] }
export const rmiCommand: PodctlCommand = { ...rmCommand, command: 'rmi <images..>', aliases: [] }
