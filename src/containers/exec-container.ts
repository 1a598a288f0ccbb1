import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { generateId } from '../ids.js'
import { runtimeError } from '../runtime/conmon.js'
import { readStartTime } from '../runtime/proc-status.js'
import { paths } from '../storage/paths.js'
import { getContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { runtimeFor } from './host-runtime.js'
import { ociStartError } from './oci-errors.js'
import { parseUser, parseWorkdir, readEnvFile } from './process-options.js'
import { proxySignals } from './signal-proxy.js'
import { resolveUser } from './user-lookup.js'

export interface ExecOptions {
  command: string[]
  env?: string[]
  envFiles?: string[]
  workdir?: string
  user?: string
  interactive?: boolean
  detach?: boolean
  // -t: a pty made by the runtime on podctl's own terminal (foreground only).
  tty?: boolean
}

export interface ExecIo {
  stdout: (b: Buffer) => void
  stderr: (b: Buffer) => void
}

export type ExecResult = { detached: true, sessionId: string } | { detached: false, exitCode: number }

const SIGNUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 }

// Runs a process in a running container, as `podman exec`: the container's environment
// and working directory unless -e/-w say otherwise, its user unless -u; the exit status is
// the process's, and the runtime's failure to start it is 126/127 (ociStartError).
export async function execInContainer (host: Host, c: ContainerRecord, o: ExecOptions, io: ExecIo): Promise<ExecResult> {
  if (o.command.length === 0) throw invalidArgument('must provide a non-empty command to start an exec session: invalid argument')
  const current = getContainer(host.store, c.id)
  const cfg = current === undefined ? undefined : readConfig(current)
  if (current === undefined || current.state !== 'running' || current.pid === null || (cfg?.pidStart !== undefined && readStartTime(current.pid) !== cfg.pidStart)) {
    throw new PodctlError('CONTAINER_STATE_IMPROPER', 'can only create exec sessions on running containers: container state improper')
  }
  const env = [...cfg!.env, ...(o.envFiles ?? []).flatMap(f => readEnvFile(f)), ...(o.env ?? [])]
  for (const e of env) if (e === '' || e.startsWith('=')) throw invalidArgument(`invalid environment variable ${JSON.stringify(e)}`)
  const userSpec = o.user === undefined ? cfg!.process.user : parseUser(o.user)
  // The container's own tree, as its processes see it (/proc/<init>/root).
  const user = resolveUser(`/proc/${current.pid}/root`, userSpec)
  const cwd = o.workdir === undefined ? cfg!.cwd : parseWorkdir(o.workdir)
  const sessionId = generateId()
  const dir = path.join(paths.bundle(host.config, c.id), 'exec')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const runtimeLog = path.join(dir, `${sessionId}.log`)
  const pidFile = o.detach === true ? path.join(dir, `${sessionId}.pid`) : undefined
  try {
    const { child, closed } = runtimeFor(host).exec({
      id: c.id, args: o.command, env, cwd, user, runtimeLog, interactive: o.interactive === true, terminal: o.tty === true && pidFile === undefined,
      ...(pidFile === undefined ? {} : { detachPidFile: pidFile }),
    })
    // The runtime prints its own failure to start the process on stderr too ("exec failed:
    // …"). Such a chunk is held until the exit says whose it was; so is everything on stderr
    // for the first moments (or until stdout shows the process runs). When the runtime
    // failed, its text is dropped and podctl prints the error once, as Podman does.
    let holding = true
    const held: Buffer[] = []
    const suspect: Buffer[] = []
    const release = (): void => {
      if (!holding) return
      holding = false
      for (const b of held.splice(0)) io.stderr(b)
    }
    const timer = setTimeout(release, 250)
    child.stdout?.on('data', (b: Buffer) => { release(); io.stdout(b) })
    child.stderr?.on('data', (b: Buffer) => {
      if (/^(\S+ )?exec failed: /.test(b.toString('utf8'))) suspect.push(b)
      else if (holding) held.push(b)
      else io.stderr(b)
    })
    const restore = o.detach === true ? () => {} : proxySignals(child.pid)
    let r
    try {
      r = await closed
    } finally {
      restore()
    }
    if (r.spawnError !== undefined) {
      throw new PodctlError('RUNTIME_FAILED', r.spawnError.code === 'ENOENT' ? `${host.config.runtime}: executable file not found in $PATH` : r.spawnError.message)
    }
    clearTimeout(timer)
    const why = runtimeError(runtimeLog)
    // The runtime's own failure (it logged one and the process never ran).
    if (why !== undefined && (r.exitCode === 255 || r.exitCode === 1 || (pidFile !== undefined && !fs.existsSync(pidFile)))) {
      const text = Buffer.concat([...(holding ? held : []), ...suspect]).toString('utf8').split('\n').filter(l => !l.includes(why) && !why.includes(l.trim()) && l !== '').join('\n')
      holding = false
      if (text !== '') io.stderr(Buffer.from(text + '\n'))
      throw ociStartError(host, new Error(`exec ${c.id}: ${why.replace(/^\S+ exec failed: /, '')}`))
    }
    release()
    for (const b of suspect) io.stderr(b)
    if (pidFile !== undefined) return { detached: true, sessionId }
    return { detached: false, exitCode: r.exitCode ?? 128 + (SIGNUMS[r.signal ?? ''] ?? 0) }
  } finally {
    fs.rmSync(runtimeLog, { force: true })
    if (pidFile !== undefined) fs.rmSync(pidFile, { force: true })
  }
}
