import fs from 'node:fs'

import type { LogEntry } from './k8s-file.js'
import { parseEntry } from './k8s-file.js'

interface Position { ino: number, offset: number }

function readFrom (file: string, offset: number): { text: string, ino: number, size: number } | undefined {
  let fd: number
  try { fd = fs.openSync(file, 'r') } catch { return undefined }
  try {
    const st = fs.fstatSync(fd)
    const len = Math.max(0, st.size - offset)
    const buf = Buffer.alloc(len)
    const n = len === 0 ? 0 : fs.readSync(fd, buf, 0, len, offset)
    return { text: buf.subarray(0, n).toString('utf8'), ino: st.ino, size: offset + n }
  } finally {
    fs.closeSync(fd)
  }
}

// Reads a k8s-file log and its rotated predecessor (<file>.1) in order; poll() returns the
// entries written since the last call, following a rotation without losing or repeating lines.
export class LogReader {
  private pos: Position | undefined
  private carry = ''

  readonly file: string

  constructor (file: string) {
    this.file = file
  }

  poll (): LogEntry[] {
    const out: string[] = []
    if (this.pos === undefined) {
      const old = readFrom(`${this.file}.1`, 0)
      if (old !== undefined) out.push(old.text)
    } else {
      const st = statIno(this.file)
      if (st !== this.pos.ino) {
        // Rotated: finish the old file (now <file>.1) from where we were, then start over.
        const old = readFrom(`${this.file}.1`, this.pos.offset)
        if (old !== undefined && old.ino === this.pos.ino) out.push(old.text)
        this.pos = undefined
      }
    }
    const cur = readFrom(this.file, this.pos?.offset ?? 0)
    if (cur !== undefined) {
      out.push(cur.text)
      this.pos = { ino: cur.ino, offset: cur.size }
    }
    const text = this.carry + out.join('')
    const end = text.lastIndexOf('\n')
    this.carry = text.slice(end + 1)
    if (end < 0) return []
    return text.slice(0, end).split('\n').flatMap(l => { const e = parseEntry(l); return e === undefined ? [] : [e] })
  }
}

function statIno (file: string): number | undefined {
  try { return fs.statSync(file).ino } catch { return undefined }
}

// The entries of the last n lines (a line is a run of P entries of one stream ending in
// F), counted by where lines end; n < 0: everything. Interleaved entries of the other
// stream inside that range are kept.
export function lastLines (entries: readonly LogEntry[], n: number): LogEntry[] {
  if (n < 0) return [...entries]
  if (n === 0) return []
  const lineStarts: number[] = []
  const open = new Map<string, number>()
  entries.forEach((e, i) => {
    const start = open.get(e.stream) ?? i
    if (e.partial && i < entries.length - 1) open.set(e.stream, start)
    else { open.delete(e.stream); lineStarts.push(start) }
  })
  for (const start of open.values()) lineStarts.push(start)
  if (lineStarts.length <= n) return [...entries]
  return entries.slice(Math.min(...lineStarts.slice(-n)))
}

export interface RenderOptions {
  timestamps: boolean
  // Put before every line: the container's name or short ID when several are logged.
  label?: string
}

// Turns entries into text per stream, the way `podman logs` prints them.
export class LogRenderer {
  private readonly atLineStart: Record<string, boolean> = { stdout: true, stderr: true }
  private readonly opts: RenderOptions
  private readonly sink: (stream: 'stdout' | 'stderr', text: string) => void

  constructor (opts: RenderOptions, sink: (stream: 'stdout' | 'stderr', text: string) => void) {
    this.opts = opts
    this.sink = sink
  }

  render (entries: readonly LogEntry[]): void {
    for (const e of entries) {
      const start = this.atLineStart[e.stream] === true
      const prefix = (start && this.opts.label !== undefined ? `${this.opts.label} ` : '') + (this.opts.timestamps && start ? `${e.time} ` : '')
      this.sink(e.stream, `${prefix}${e.text}${e.partial ? '' : '\n'}`)
      this.atLineStart[e.stream] = !e.partial
    }
  }
}
