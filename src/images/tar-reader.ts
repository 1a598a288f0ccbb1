// A streaming tar parser (ustar, GNU long names, pax headers with SCHILY.xattr.*): bytes are
// pushed in as they arrive, each entry's header and data are handed to the sink in order.
// Pure (no I/O), so hostile archives are unit-tested as data.

export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo'

export interface TarEntry {
  name: string
  type: TarEntryType
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  linkname: string
  devmajor: number
  devminor: number
  xattrs: Map<string, Buffer>
}

export interface TarSink {
  entry: (e: TarEntry) => void
  // The entry's data, in order; only for 'file' entries.
  data: (chunk: Buffer) => void
  entryEnd: () => void
}

export class TarError extends Error {
  override readonly name = 'TarError'
}

const BLOCK = 512
// pax and GNU long-name bodies are held in memory: bounded against hostile archives.
const MAX_META = 1024 * 1024

const TYPES: Record<string, TarEntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' }

function cString (b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len)
  const nul = s.indexOf(0)
  return (nul < 0 ? s : s.subarray(0, nul)).toString('utf8')
}

function number (b: Buffer, start: number, len: number, what: string): number {
  const f = b.subarray(start, start + len)
  if ((f[0]! & 0x80) !== 0) {
    // GNU base-256: big-endian, the first byte's top bit is the marker.
    let n = f[0]! & 0x7f
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i]!
    if (!Number.isSafeInteger(n)) throw new TarError(`bad ${what} field`)
    return n
  }
  const s = f.toString('latin1').replace(/\0.*$/s, '').trim()
  if (s === '') return 0
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad ${what} field ${JSON.stringify(s)}`)
  return parseInt(s, 8)
}

function checksumOk (h: Buffer): boolean {
  const stored = number(h, 148, 8, 'checksum')
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!
  return sum === stored
}

// pax records: "LEN KEY=VALUE\n", LEN counting the whole record; values may be binary.
export function parsePax (body: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  let i = 0
  while (i < body.length) {
    const sp = body.indexOf(0x20, i)
    if (sp < 0) throw new TarError('bad pax record')
    const len = Number(body.subarray(i, sp).toString('latin1'))
    if (!Number.isSafeInteger(len) || len <= sp - i + 1 || i + len > body.length || body[i + len - 1] !== 0x0a) throw new TarError('bad pax record')
    const rec = body.subarray(sp + 1, i + len - 1)
    const eq = rec.indexOf(0x3d)
    if (eq < 0) throw new TarError('bad pax record')
    out.set(rec.subarray(0, eq).toString('utf8'), Buffer.from(rec.subarray(eq + 1)))
    i += len
  }
  return out
}

export class TarParser {
  private buf: Buffer = Buffer.alloc(0)
  // Bytes of the current body still to come, and padding after it.
  private remaining = 0
  private padding = 0
  private meta: { kind: 'x' | 'g' | 'L' | 'K', chunks: Buffer[] } | null = null
  private inFile = false
  private pax = new Map<string, Buffer>()
  private longName: string | undefined
  private longLink: string | undefined
  private zeroBlocks = 0
  private ended = false

  private readonly sink: TarSink

  constructor (sink: TarSink) {
    this.sink = sink
  }

  push (chunk: Buffer): void {
    let data = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk
    this.buf = Buffer.alloc(0)
    while (data.length > 0) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, data.length)
        this.body(data.subarray(0, n))
        this.remaining -= n
        data = data.subarray(n)
        if (this.remaining === 0) this.bodyEnd()
        continue
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, data.length)
        this.padding -= n
        data = data.subarray(n)
        continue
      }
      if (this.ended) return
      if (data.length < BLOCK) { this.buf = Buffer.from(data); return }
      this.header(data.subarray(0, BLOCK))
      data = data.subarray(BLOCK)
    }
  }

  // The input is complete: a cut-off archive is an error (a missing end marker is tolerated,
  // as GNU tar does).
  finish (): void {
    if (this.remaining > 0 || this.buf.length > 0 || this.meta !== null) throw new TarError('unexpected end of archive')
  }

  private header (h: Buffer): void {
    if (h.every(b => b === 0)) {
      if (++this.zeroBlocks === 2) this.ended = true
      return
    }
    this.zeroBlocks = 0
    if (!checksumOk(h)) throw new TarError('bad header checksum: not a tar archive or corrupt')
    const flag = String.fromCharCode(h[156]!)
    const size = number(h, 124, 12, 'size')
    this.padding = (BLOCK - size % BLOCK) % BLOCK
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META) throw new TarError(`extended header of ${size} bytes is too large`)
      this.meta = { kind: flag, chunks: [] }
      this.remaining = size
      if (size === 0) this.bodyEnd()
      return
    }
    const type = TYPES[flag]
    if (type === undefined) throw new TarError(`unsupported tar entry type ${JSON.stringify(flag)}`)
    const magic = h.subarray(257, 263).toString('latin1')
    const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? cString(h, 345, 155) : ''
    let name = cString(h, 0, 100)
    if (prefix !== '') name = `${prefix}/${name}`
    const pax = this.pax
    const paxStr = (k: string): string | undefined => pax.get(k)?.toString('utf8')
    const paxNum = (k: string, d: number): number => {
      const v = paxStr(k)
      if (v === undefined) return d
      const n = Number(v)
      if (!Number.isFinite(n) || n < 0) throw new TarError(`bad pax ${k} ${JSON.stringify(v)}`)
      return Math.floor(n)
    }
    const xattrs = new Map<string, Buffer>()
    for (const [k, v] of pax) if (k.startsWith('SCHILY.xattr.')) xattrs.set(k.slice('SCHILY.xattr.'.length), v)
    const entry: TarEntry = {
      name: paxStr('path') ?? this.longName ?? name,
      type,
      mode: number(h, 100, 8, 'mode') & 0o7777,
      uid: paxNum('uid', number(h, 108, 8, 'uid')),
      gid: paxNum('gid', number(h, 116, 8, 'gid')),
      size: paxNum('size', size),
      mtime: paxNum('mtime', number(h, 136, 12, 'mtime')),
      linkname: paxStr('linkpath') ?? this.longLink ?? cString(h, 157, 100),
      devmajor: number(h, 329, 8, 'devmajor'),
      devminor: number(h, 337, 8, 'devminor'),
      xattrs,
    }
    this.pax = new Map()
    this.longName = undefined
    this.longLink = undefined
    // Only regular files carry data (a hard link's size field is informational).
    // Only regular files carry data (a hard link's size field is informational): skip the rest.
    const bodySize = type === 'file' ? entry.size : 0
    this.padding = type === 'file' ? (BLOCK - bodySize % BLOCK) % BLOCK : Math.ceil(size / BLOCK) * BLOCK
    this.sink.entry(entry)
    if (bodySize === 0) { this.sink.entryEnd(); return }
    this.inFile = true
    this.remaining = bodySize
  }

  private body (chunk: Buffer): void {
    if (this.meta !== null) this.meta.chunks.push(Buffer.from(chunk))
    else if (this.inFile) this.sink.data(chunk)
  }

  private bodyEnd (): void {
    if (this.meta !== null) {
      const body = Buffer.concat(this.meta.chunks)
      const kind = this.meta.kind
      this.meta = null
      if (kind === 'x') this.pax = parsePax(body)
      else if (kind === 'L') this.longName = cString(body, 0, body.length)
      else if (kind === 'K') this.longLink = cString(body, 0, body.length)
      return
    }
    if (this.inFile) {
      this.inFile = false
      this.sink.entryEnd()
    }
  }
}
