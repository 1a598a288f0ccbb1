import { displayDigest, displayRepoDigests, humanDuration, humanSize, imageListJson, importImage, inspectImages, invalidArgument, loadImages, saveImage, listImagesMatching, PodctlError, pruneImages, removeImages, renderTemplate, rowNames, shortId, splitName, tagImage, untagImage } from '../../index.js'
import type { ImageRecord } from '../../index.js'
import type { PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderJson, renderLines, renderTable } from '../render.js'
import { existsCommand } from '../exists-command.js'
import { pullCommand } from '../pull-command.js'

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

const loadCommand: PodctlCommand = {
  command: 'load',
  describe: 'Load images from a docker-archive or oci-archive tarball (gzip-compressed or not)',
  examples: [['podctl load -i busybox.tar', 'the archive\'s images with their tags']],
  builder: y => y
    .option('input', { alias: 'i', type: 'string', describe: 'Read from the archive file (default: stdin)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Suppress the output' }),
  async run (ctx, argv) {
    const input = typeof argv['input'] === 'string' ? { file: argv['input'] } : { stream: process.stdin }
    const { names } = await loadImages(ctx, input)
    return { stdout: argv['quiet'] === true ? '' : renderLines(names.map(n => `Loaded image: ${n}`)) }
  },
}

const saveCommand: PodctlCommand = {
  command: 'save <images..>',
  describe: 'Save an image to a docker-archive or oci-archive tarball',
  examples: [['podctl save -o busybox.tar busybox', 'a docker-archive Podman and Docker load']],
  builder: y => y.positional('images', { type: 'string', array: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Write to the file' })
    .option('format', { type: 'string', default: 'docker-archive', describe: 'docker-archive or oci-archive' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Suppress the output' }),
  async run (ctx, argv) {
    const format = String(argv['format'])
    if (format !== 'docker-archive' && format !== 'oci-archive') throw invalidArgument(`unsupported format "${format}": use docker-archive or oci-archive`)
    if (typeof argv['output'] !== 'string' || argv['output'] === '') throw invalidArgument('--output (-o) is required: refusing to write an archive to the terminal')
    await saveImage(ctx, strings(argv['images']), argv['output'], format)
    return {}
  },
}

// Rows as Podman lists them (rowNames): one per tag; an image pulled by digest only shows
// its repository with tag <none>, a dangling one <none> <none>.
function rowsOf (images: readonly ImageRecord[]): { image: ImageRecord, name: string }[] {
  return images.flatMap(image => rowNames(image).map(name => ({ image, name })))
}

const lsCommand: PodctlCommand = {
  command: 'ls',
  aliases: ['list'],
  describe: 'List images',
  examples: [['podctl images --filter dangling=true -q', 'IDs of images without a name'], ['podctl images --digests', 'with the manifest digest']],
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Show all images, intermediate ones too (no names, and a child image)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Display only image IDs' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Do not truncate output' })
    .option('digests', { type: 'boolean', default: false, describe: 'Show digests' })
    .option('filter', { alias: 'f', type: 'string', describe: 'Filter output (repeatable): dangling, reference, label, id, before, since, containers' })
    .option('format', FORMAT_OPTION),
  run (ctx, argv) {
    const images = listImagesMatching(ctx, strings(argv['filter']), { all: argv['all'] === true })
    if (wantsJson(argv)) return { stdout: renderJson(imageListJson(ctx, images)) }
    const id = (s: string): string => argv['no-trunc'] === true ? `sha256:${s}` : shortId(s)
    if (argv['quiet'] === true) return { stdout: renderLines(images.map(i => id(i.id))) }
    const now = Date.now()
    const rows = rowsOf(images)
    if (argv['format'] !== undefined) {
      // Podman's image reporter fields.
      const items = rows.map(({ image: i, name }) => {
        const { repository, tag } = splitName(name)
        return {
          ID: id(i.id), Id: i.id, Repository: repository, Tag: tag, Names: i.names ?? [], Digest: displayDigest(i), Digests: displayRepoDigests(i),
          Created: `${humanDuration(now - i.createdAt)} ago`, CreatedSince: `${humanDuration(now - i.createdAt)} ago`, CreatedAt: new Date(i.createdAt).toISOString(),
          Size: humanSize(i.size), VirtualSize: i.size, Source: i.source,
        }
      })
      return { stdout: renderTemplate(String(argv['format']), items, { name: 'images', typeName: 'images.imageReporter', headers: { ID: 'IMAGE ID', Id: 'IMAGE ID', CreatedSince: 'CREATED' } }) }
    }
    const digests = argv['digests'] === true
    return {
      stdout: renderTable(['REPOSITORY', 'TAG', ...(digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'], rows.map(({ image: i, name }) => {
        const { repository, tag } = splitName(name)
        return [repository, tag, ...(digests ? [displayDigest(i) === '' ? '<none>' : displayDigest(i)] : []), id(i.id), `${humanDuration(now - i.createdAt)} ago`, humanSize(i.size)]
      })),
    }
  },
}

const rmCommand: PodctlCommand = {
  command: 'rm [images..]',
  aliases: ['remove'],
  describe: 'Remove images (a name of an image with other names is only untagged)',
  examples: [['podctl rmi -f busybox', 'remove busybox and the containers using it']],
  builder: y => y.positional('images', { type: 'string', array: true })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Remove the containers using the image first' })
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Remove all images' }),
  async run (ctx, argv) {
    const refs = strings(argv['images'])
    const all = argv['all'] === true
    if (refs.length === 0 && !all) return { errors: [new PodctlError('INVALID_ARGUMENT', 'image name or ID must be specified')] }
    if (refs.length > 0 && all) return { errors: [new PodctlError('INVALID_ARGUMENT', 'when using the --all switch, you may not pass any images names or IDs')] }
    const backend = ctx.removalBackend?.(ctx)
    const { lines, errors } = await removeImages(ctx, refs, argv['force'] === true, { all, ...(backend === undefined ? {} : { backend }) })
    return { stdout: renderLines(lines), errors }
  },
}

const pruneCommand: PodctlCommand = {
  command: 'prune',
  describe: 'Remove unused images: dangling ones, or with -a every image no container uses',
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Remove all images not in use by containers, not just dangling ones' })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Do not prompt for confirmation' }),
  async run (ctx, argv) {
    return { stdout: renderLines(await pruneImages(ctx, argv['all'] === true)) }
  },
}

// Podman prints inspect output with a 5-space indent, always as an array.
const inspectCommand: PodctlCommand = {
  command: 'inspect <images..>',
  describe: 'Display the configuration of an image',
  builder: y => y.positional('images', { type: 'string', array: true })
    .option('format', { alias: 'f', type: 'string', describe: 'json (default) or a Go template such as {{.Id}}' }),
  run (ctx, argv) {
    const { views, errors } = inspectImages(ctx, strings(argv['images']))
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? JSON.stringify(views, null, 5) + '\n' : renderTemplate(format, views, { name: 'inspect', typeName: 'inspect.ImageData' })
    return { stdout, errors, exitPolicy: 'any-error' }
  },
}

export const tagCommand: PodctlCommand = {
  command: 'tag <image> <names..>',
  describe: 'Add an additional name to a local image',
  examples: [['podctl tag busybox mybox:1', 'stored as localhost/mybox:1']],
  builder: y => y.positional('image', { type: 'string' }).positional('names', { type: 'string', array: true }),
  run (ctx, argv) {
    tagImage(ctx, String(argv['image']), strings(argv['names']))
    return {}
  },
}

export const untagCommand: PodctlCommand = {
  command: 'untag <image> [names..]',
  describe: 'Remove names from a local image (all of them without names)',
  builder: y => y.positional('image', { type: 'string' }).positional('names', { type: 'string', array: true }),
  run (ctx, argv) {
    untagImage(ctx, String(argv['image']), strings(argv['names']))
    return {}
  },
}

export const imageGroup: PodctlGroup = {
  command: 'image <command>',
  describe: 'Manage images',
  subcommands: [importCommand, pullCommand, loadCommand, saveCommand, lsCommand, rmCommand, pruneCommand, inspectCommand, tagCommand, untagCommand, existsCommand('image')],
}

// Podman's top-level shortcuts.
export const imagesCommand: PodctlCommand = { ...lsCommand, command: 'images', aliases: [] }
export const rmiCommand: PodctlCommand = { ...rmCommand, command: 'rmi [images..]', aliases: [] }
export const topLoadCommand: PodctlCommand = loadCommand
export const topSaveCommand: PodctlCommand = saveCommand
