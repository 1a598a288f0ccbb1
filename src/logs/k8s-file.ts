import fs from 'node:fs'

// Podman's k8s-file log format: one entry per line,
// "<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>". F ends a line, P is a piece of
// a longer line (or a last line without a newline) that the next entry continues.
export type LogStream = 'stdout' | 'stderr'

export interface LogEntry {
  time: string
  timeMs: number
  stream: LogStream
  partial: boolean
  text: string
}

// Log size limit: conmon (--log-size-max) starts the file over once it would grow past
// this; podctl's own writer (attached run) rotates it to <file>.1 instead.
export const LOG_SIZE_MAX = 1024 * 1024
// Longer lines are split into P entries of this size, as conmon does.
export const LOG_LINE_MAX = 16 * 1024

let lastNs = 0n
// Wall clock with nanosecond digits, strictly increasing within this process.
export function timestampNow (): string {
  let ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
  if (ns <= lastNs) ns = lastNs + 1n
  lastNs = ns
  const ms = Number(ns / 1_000_000n)
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}+00:00`
}

export function formatEntry (time: string, stream: LogStream, partial: boolean, text: string): string {
  return `${time} ${stream} ${partial ? 'P' : 'F'} ${text}\n`
}

// Parses one line (without its newline); undefined for a line that is not an entry.
export function parseEntry (line: string): LogEntry | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/s.exec(line)
  if (m === null) return undefined
  const timeMs = Date.parse(m[1]!)
  if (Number.isNaN(timeMs)) return undefined
  return { time: m[1]!, timeMs, stream: m[2] as LogStream, partial: m[3] === 'P', text: m[4]! }
}

// Appends a container's output to its log file as k8s-file entries, rotating at maxBytes.
// Used for an attached run, where podctl itself holds the pipes (a detached container's
// conmon writes the same format). One writer per log file at a time.
export class K8sFileWriter {
  private fd: number
  private size: number
  private broken = false
  private readonly pending: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }

  readonly file: string
  readonly maxBytes: number

  constructor (file: string, maxBytes = LOG_SIZE_MAX) {
    this.file = file
    this.maxBytes = maxBytes
    this.fd = fs.openSync(file, 'a', 0o600)
    this.size = fs.fstatSync(this.fd).size
  }

  write (stream: LogStream, chunk: Buffer): void {
    let buf = Buffer.concat([this.pending[stream], chunk])
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
      let line = buf.subarray(0, nl)
      for (; line.length > LOG_LINE_MAX; line = line.subarray(LOG_LINE_MAX)) this.emit(stream, true, line.subarray(0, LOG_LINE_MAX))
      this.emit(stream, false, line)
      buf = buf.subarray(nl + 1)
    }
    while (buf.length >= LOG_LINE_MAX) {
      this.emit(stream, true, buf.subarray(0, LOG_LINE_MAX))
      buf = buf.subarray(LOG_LINE_MAX)
    }
    this.pending[stream] = Buffer.from(buf)
  }

  // The stream ended: a last line without a newline is kept as a P entry.
  end (stream: LogStream): void {
    if (this.pending[stream].length > 0) this.emit(stream, true, this.pending[stream])
    this.pending[stream] = Buffer.alloc(0)
  }

  close (): void {
    this.end('stdout')
    this.end('stderr')
    try { fs.closeSync(this.fd) } catch {}
  }

  // A log that cannot be written (its container was removed meanwhile) stops logging;
  // it never takes the container's output or podctl down with it.
  private emit (stream: LogStream, partial: boolean, text: Buffer): void {
    if (this.broken) return
    const line = Buffer.from(formatEntry(timestampNow(), stream, partial, text.toString('utf8')))
    try {
      if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate()
      fs.writeSync(this.fd, line)
      this.size += line.length
    } catch {
      this.broken = true
    }
  }

  private rotate (): void {
    fs.renameSync(this.file, `${this.file}.1`)
    const fd = fs.openSync(this.file, 'a', 0o600)
    fs.closeSync(this.fd)
    this.fd = fd
    this.size = 0
  }
}
