import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'

import { errorMessage, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { spawnProcess } from '../process/run-process.js'
import { fsyncDir, makeDirs, removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import { crashPoint } from './crash-points.js'
import { createLayerWriter } from './layer-writer.js'
import { TarParser } from './tar-reader.js'

// Layers unpacked once each under <root>/storage/layers/<diff-id hex>/diff, shared by every
// image and container that stacks them. An overlay layer's files depend only on its own
// diff (whiteouts are device nodes, not deletions), so the diff ID is its identity.
// Each has a short link l/<26 chars> → ../<hex>/diff (containers/storage's scheme), so the
// lowerdir list of a deep image stays far below the page size mount options must fit in.

export interface LayerBlob {
  // The compressed blob's digest (manifest) and its uncompressed digest (config diff_ids).
  digest: string
  diffId: string
  file: string
}

const HEX = /^sha256:([a-f0-9]{64})$/
const LINK_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

export function digestHex (digest: string): string {
  const m = HEX.exec(digest)
  if (m === null) throw new PodctlError('STORAGE_FAILED', `unsupported digest ${JSON.stringify(digest)}`)
  return m[1]!
}

function shortLink (): string {
  const b = randomBytes(26)
  return Array.from(b, x => LINK_CHARS[x % LINK_CHARS.length]).join('')
}

export function hasLayer (host: Host, diffHex: string): boolean {
  return fs.existsSync(path.join(paths.layer(host.config, diffHex), 'link'))
}

// The uncompressed size recorded when the layer was unpacked (0 if unknown).
export function layerSize (host: Host, diffHex: string): number {
  try { return Number(fs.readFileSync(path.join(paths.layer(host.config, diffHex), 'size'), 'utf8')) || 0 } catch { return 0 }
}

function sniff (file: string): 'gzip' | 'zstd' | 'tar' {
  const fd = fs.openSync(file, 'r')
  try {
    const b = Buffer.alloc(4)
    const n = fs.readSync(fd, b, 0, 4, 0)
    if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip'
    if (n >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd'
    return 'tar'
  } finally {
    fs.closeSync(fd)
  }
}

// Streams the blob through its digest check, decompression (gzip: node:zlib; zstd: the
// zstd binary) and the diff ID check into the layer writer at dir.
async function unpackBlob (host: Host, blob: LayerBlob, dir: string): Promise<number> {
  const compressed = createHash('sha256')
  const uncompressed = createHash('sha256')
  let size = 0
  const writer = createLayerWriter(dir)
  const parser = new TarParser(writer)
  const tap = new Transform({ transform (chunk: Buffer, _e, cb) { compressed.update(chunk); cb(null, chunk) } })
  // The writer's own error (an escaping entry, say), not the abort it causes upstream.
  let failure: unknown
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      uncompressed.update(chunk)
      size += chunk.length
      try { parser.push(chunk) } catch (err) { failure = err; throw err }
    }
  }
  try {
    await decompressInto(host, blob.file, tap, consume)
  } catch (err) {
    throw failure ?? err
  }
  parser.finish()
  writer.close()
  const got = `sha256:${compressed.digest('hex')}`
  if (got !== blob.digest) throw new Error(`blob digest mismatch: expected ${blob.digest}, got ${got}`)
  const diff = `sha256:${uncompressed.digest('hex')}`
  if (diff !== blob.diffId) throw new Error(`layer diff ID mismatch: expected ${blob.diffId}, got ${diff}`)
  return size
}

async function decompressInto (host: Host, file: string, tap: Transform, consume: (source: AsyncIterable<Buffer>) => Promise<void>): Promise<void> {
  const kind = sniff(file)
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 })
  if (kind === 'gzip') await pipeline(input, tap, zlib.createGunzip(), consume)
  else if (kind === 'tar') await pipeline(input, tap, consume)
  else {
    const p = spawnProcess('zstd', ['-d', '-c', '-q'], { signal: host.signal, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    p.child.stderr?.on('data', (d: Buffer) => { stderr += String(d) })
    const [, , exit] = await Promise.all([pipeline(input, tap, p.child.stdin!), pipeline(p.child.stdout!, consume), p.closed])
    if (exit.spawnError !== undefined) throw new Error(`zstd: ${exit.spawnError.message}`)
    if (exit.exitCode !== 0) throw new Error(`zstd: ${stderr.trim() || `exit status ${String(exit.exitCode)}`}`)
  }
}

// Unpacks the layer unless it is present. It is built in a temp dir and renamed into place
// only when complete, so a failure or crash never leaves a partial layer under its name.
export async function ensureLayer (host: Host, blob: LayerBlob): Promise<string> {
  const hex = digestHex(blob.diffId)
  if (hasLayer(host, hex)) {
    ensureShortLink(host, hex)
    return hex
  }
  const layers = paths.layers(host.config)
  makeDirs(paths.layerLinks(host.config), 0o700)
  const tmp = path.join(layers, `.tmp-${hex}-${randomBytes(4).toString('hex')}`)
  try {
    fs.mkdirSync(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 })
    const size = await unpackBlob(host, blob, path.join(tmp, 'diff'))
    fs.writeFileSync(path.join(tmp, 'size'), String(size))
    fs.writeFileSync(path.join(tmp, 'link'), shortLink())
    crashPoint('layer-unpacked')
    try {
      fs.renameSync(tmp, paths.layer(host.config, hex))
    } catch (err) {
      // Another pull unpacked it meanwhile.
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err
    }
    fsyncDir(layers)
  } catch (err) {
    throw new PodctlError('STORAGE_FAILED', `unpacking layer ${blob.digest}: ${errorMessage(err)}`, { cause: err })
  } finally {
    removeTree(tmp)
  }
  ensureShortLink(host, hex)
  return hex
}

// l/<link> → ../<hex>/diff; made again if a crash lost it.
export function ensureShortLink (host: Host, hex: string): string {
  const link = fs.readFileSync(path.join(paths.layer(host.config, hex), 'link'), 'utf8').trim()
  const p = path.join(paths.layerLinks(host.config), link)
  try {
    fs.symlinkSync(`../${hex}/diff`, p)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      makeDirs(paths.layerLinks(host.config), 0o700)
      fs.symlinkSync(`../${hex}/diff`, p)
    } else if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return `l/${link}`
}

// The overlay lowerdir entries (relative to the layers dir) of layers given top first.
export function lowerDirsOf (host: Host, layersTopFirst: readonly string[]): string[] {
  return layersTopFirst.map(hex => {
    if (!hasLayer(host, hex)) throw new PodctlError('STORAGE_FAILED', `layer sha256:${hex} is missing from ${paths.layers(host.config)}`)
    return ensureShortLink(host, hex)
  })
}

// Removes a layer's dir and short link; already gone is success.
export function removeLayer (host: Host, hex: string): void {
  const dir = paths.layer(host.config, hex)
  let link: string | undefined
  try { link = fs.readFileSync(path.join(dir, 'link'), 'utf8').trim() } catch { /* gone */ }
  // The link file goes first, so a half-removed layer never counts as present.
  fs.rmSync(path.join(dir, 'link'), { force: true })
  if (link !== undefined && /^[A-Z0-9]+$/.test(link)) fs.rmSync(path.join(paths.layerLinks(host.config), link), { force: true })
  crashPoint('layer-half-freed')
  removeTree(dir)
}
