import fs from 'node:fs'
import path from 'node:path'

import { errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { execCommand } from '../process/exec-command.js'
import type { ExecFailure } from '../process/exec-command.js'
import { spawnProcess } from '../process/run-process.js'
import { createWithConmon } from './conmon.js'
import type { OciRuntime, RuntimeState } from './oci-runtime.js'
import { RUNTIME_TIMEOUT_MS } from './oci-runtime.js'

export interface OciRuntimeOptions {
  // runc or crun: a name looked up in $PATH, or a path.
  binary: string
  // Its state dir (--root), made on first use.
  root: string
  // Ends any runtime or conmon exec still running.
  signal?: AbortSignal
  // Each command line goes to debug.
  log?: Logger
  // conmon's path; default: found in $PATH or where Podman looks.
  conmon?: string
}

const isMissing = (err: unknown): boolean => /does not exist|not found|no such file/i.test(errorMessage(err)) &&
  !/executable file not found/.test(errorMessage(err))

// The runc/crun CLI driver: every call is `<binary> --root <root> …` with an argument
// array, a bounded timeout and the signal; stderr is carried into the error.
export function createOciRuntime (opts: OciRuntimeOptions): OciRuntime {
  const { binary, root, signal } = opts
  const log = opts.log ?? silentLogger
  const run = async (args: string[]): Promise<string> => {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 })
    log.debug(`${binary} ${args.join(' ')}`)
    const { stdout } = await execCommand(binary, ['--root', root, ...args], { timeoutMs: RUNTIME_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })
    return stdout
  }
  // runc and crun keep each container's state in <root>/<id>: without that dir there is no
  // such container, and a state, kill or delete would only exec the runtime to hear so
  // (5–25 ms per call, on every start of a new container and every rm of one never started).
  // IDs reach this from the state database (64 hex digits), never from user input.
  const absent = (id: string): boolean => /^[0-9a-f]{64}$/.test(id) && !fs.existsSync(path.join(root, id))
  return {
    binary,
    create: req => createWithConmon({ binary, root, log, ...(signal === undefined ? {} : { signal }), ...(opts.conmon === undefined ? {} : { conmon: opts.conmon }) }, req),
    async start (id) {
      await run(['start', id])
    },
    async state (id) {
      if (absent(id)) return undefined
      try {
        const s = JSON.parse(await run(['state', id])) as RuntimeState
        return { id: s.id, status: s.status, pid: s.pid }
      } catch (err) {
        if (isMissing(err) && (err as ExecFailure).exitStatus !== null) return undefined
        throw err
      }
    },
    async kill (id, sig, killOpts = {}) {
      if (absent(id)) return
      try {
        await run(['kill', ...(killOpts.all === true ? ['--all'] : []), id, sig])
      } catch (err) {
        if (isMissing(err) || /not running|process already finished|container not running/i.test(errorMessage(err))) return
        throw err
      }
    },
    async delete (id) {
      if (absent(id)) return
      try {
        await run(['delete', '--force', id])
      } catch (err) {
        if (isMissing(err)) return
        throw err
      }
    },
    list: () => listContainers(root, run),
    run (req) {
      fs.mkdirSync(root, { recursive: true, mode: 0o700 })
      const args = ['--root', root, '--log', req.runtimeLog, '--log-format', 'json', 'run', '--bundle', req.bundle, '--pid-file', req.pidFile, req.id]
      log.debug(`${binary} ${args.join(' ')}`)
      // Its own session: a terminal's Ctrl-C reaches podctl only, which forwards it (sig-proxy).
      if (req.terminal === true) return spawnProcess(binary, args, { stdio: 'inherit', detached: true })
      return spawnProcess(binary, args, { stdio: [req.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'], detached: true })
    },
    exec (req) {
      const args = ['--root', root, '--log', req.runtimeLog, '--log-format', 'json', 'exec']
      for (const e of req.env) args.push('--env', e)
      if (req.cwd !== undefined) args.push('--cwd', req.cwd)
      args.push('--user', `${req.user.uid}:${req.user.gid}`)
      for (const g of req.user.additionalGids ?? []) args.push('--additional-gids', String(g))
      if (req.detachPidFile !== undefined) args.push('--detach', '--pid-file', req.detachPidFile)
      if (req.terminal === true && req.detachPidFile === undefined) args.push('--tty')
      args.push('--', req.id, ...req.args)
      log.debug(`${binary} ${args.join(' ')}`)
      const detached = req.detachPidFile !== undefined
      if (req.terminal === true && !detached) return spawnProcess(binary, args, { stdio: 'inherit', detached: true })
      return spawnProcess(binary, args, { stdio: [req.interactive && !detached ? 'inherit' : 'ignore', detached ? 'ignore' : 'pipe', detached ? 'ignore' : 'pipe'], detached: true })
    },
  }
}

async function listContainers (root: string, run: (args: string[]) => Promise<string>): Promise<Map<string, RuntimeState>> {
  if (!fs.existsSync(root)) return new Map()
  // runc list stats every container dir: one deleted meanwhile by another process makes it
  // fail with ENOENT. The listing is then simply retried.
  let text = ''
  for (let attempt = 1; ; attempt++) {
    try {
      text = (await run(['list', '--format', 'json'])).trim()
      break
    } catch (err) {
      if (attempt >= 5 || !/no such file or directory/i.test(errorMessage(err))) throw err
    }
  }
  const list = (text === '' || text === 'null' ? [] : JSON.parse(text)) as RuntimeState[]
  return new Map(list.map(s => [s.id, { id: s.id, status: s.status, pid: s.pid }]))
}
