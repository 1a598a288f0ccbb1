import { spawn } from 'node:child_process'
import fs from 'node:fs'

import { K8sFileWriter } from './k8s-file.js'
import type { LogStream } from './k8s-file.js'

// The per-container log pump: a small detached process (podctl has no daemon, so this
// takes the part conmon plays for Podman). It runs `<runtime> create` with pipes as the
// container's stdout/stderr, reports the create result on fd 3, then copies the
// container's output into its k8s-file log until both pipes close, i.e. until every
// process of the container has exited, and exits. SIGTERM ends it early (removal).
export interface PumpRequest {
  runtime: string
  args: string[]
  log: string
  maxBytes: number
}

export interface PumpReport { ok: boolean, status: number | string, output: string }

function main (req: PumpRequest): void {
  for (const sig of ['SIGINT', 'SIGHUP', 'SIGQUIT'] as const) process.on(sig, () => {})
  const child = spawn(req.runtime, req.args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const early: [LogStream, Buffer][] = []
  let writer: K8sFileWriter | undefined
  const onData = (stream: LogStream) => (b: Buffer): void => {
    if (writer === undefined) early.push([stream, b])
    else writer.write(stream, b)
  }
  child.stdout.on('data', onData('stdout'))
  child.stderr.on('data', onData('stderr'))
  let open = 2
  const ended = (stream: LogStream) => (): void => {
    writer?.end(stream)
    if (--open === 0 && writer !== undefined) { writer.close(); process.exit(0) }
  }
  child.stdout.on('end', ended('stdout'))
  child.stderr.on('end', ended('stderr'))
  const report = (r: PumpReport): void => {
    try { fs.writeSync(3, JSON.stringify(r) + '\n'); fs.closeSync(3) } catch {}
  }
  child.on('error', err => { report({ ok: false, status: 'spawn', output: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${req.runtime}: executable file not found in $PATH` : err.message }); process.exit(1) })
  child.on('exit', (code, sig) => {
    if (code !== 0) {
      report({ ok: false, status: code ?? `signal ${sig ?? '?'}`, output: Buffer.concat(early.map(e => e[1])).toString('utf8').trim() })
      process.exit(1)
    }
    writer = new K8sFileWriter(req.log, req.maxBytes)
    for (const [s, b] of early) writer.write(s, b)
    report({ ok: true, status: 0, output: '' })
    if (open === 0) { writer.close(); process.exit(0) }
  })
}

const raw = process.argv[2]
if (raw !== undefined) main(JSON.parse(raw) as PumpRequest)
