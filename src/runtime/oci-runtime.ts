import fs from 'node:fs'

import { errorMessage } from '../errors.js'
import type { Host } from '../host.js'
import { paths } from '../storage/paths.js'
import { execCommand } from './exec-command.js'
import type { ExecFailure } from './exec-command.js'

// Driver for the runc/crun CLI. Every call: argument array, --root <runroot>/runtime,
// a bounded timeout, stderr carried into the error.
export const RUNTIME_TIMEOUT_MS = 30_000

export interface RuntimeState { id: string, status: string, pid: number }

function globalArgs (host: Host): string[] {
  return ['--root', paths.runtimeRoot(host.config)]
}

async function run (host: Host, args: string[], timeoutMs = RUNTIME_TIMEOUT_MS): Promise<string> {
  fs.mkdirSync(paths.runtimeRoot(host.config), { recursive: true, mode: 0o700 })
  host.log.debug(`${host.config.runtime} ${args.join(' ')}`)
  const { stdout } = await execCommand(host.config.runtime, [...globalArgs(host), ...args], { timeoutMs, signal: host.signal })
  return stdout
}

const isMissing = (err: unknown): boolean => /does not exist|not found|no such file/i.test(errorMessage(err)) &&
  !/executable file not found/.test(errorMessage(err))

export async function runtimeStart (host: Host, id: string): Promise<void> {
  await run(host, ['start', id])
}

// Sends sig to the container's init (or all its processes); an exited container is success.
export async function runtimeKill (host: Host, id: string, signal: string, all = false): Promise<void> {
  try {
    await run(host, ['kill', ...(all ? ['--all'] : []), id, signal])
  } catch (err) {
    if (isMissing(err) || /not running|process already finished|container not running/i.test(errorMessage(err))) return
    throw err
  }
}

// runc delete --force; "does not exist" is success.
export async function runtimeDelete (host: Host, id: string): Promise<void> {
  try {
    await run(host, ['delete', '--force', id])
  } catch (err) {
    if (isMissing(err)) return
    throw err
  }
}

export async function runtimeState (host: Host, id: string): Promise<RuntimeState | undefined> {
  try {
    const s = JSON.parse(await run(host, ['state', id])) as { id: string, status: string, pid: number }
    return { id: s.id, status: s.status, pid: s.pid }
  } catch (err) {
    if (isMissing(err) && (err as ExecFailure).exitStatus !== null) return undefined
    throw err
  }
}

// Every container the runtime knows, in one exec.
export async function runtimeList (host: Host): Promise<Map<string, RuntimeState>> {
  if (!fs.existsSync(paths.runtimeRoot(host.config))) return new Map()
  // runc list stats every container dir: one deleted meanwhile by another process makes it
  // fail with ENOENT. The listing is then simply retried.
  let text = ''
  for (let attempt = 1; ; attempt++) {
    try {
      text = (await run(host, ['list', '--format', 'json'])).trim()
      break
    } catch (err) {
      if (attempt >= 5 || !/no such file or directory/i.test(errorMessage(err))) throw err
    }
  }
  const list = (text === '' || text === 'null' ? [] : JSON.parse(text)) as { id: string, status: string, pid: number }[]
  return new Map(list.map(s => [s.id, { id: s.id, status: s.status, pid: s.pid }]))
}
