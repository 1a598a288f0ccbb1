import { accessSync, constants } from 'node:fs'
import path from 'node:path'

import { PodctlError } from '../errors.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'

export const DEFAULT_PLUGIN_TIMEOUT_MS = 60_000
const KILL_GRACE_MS = 2_000

export type CniCommand = 'ADD' | 'DEL' | 'CHECK'

export interface PluginCall {
  command: CniCommand
  type: string
  containerId: string
  netns: string
  ifname: string
  cniArgs: string
  pluginDirs: readonly string[]
  stdin: Record<string, unknown>
  timeoutMs?: number
  signal?: AbortSignal
}

// The first executable named `type` in the plugin dirs, or undefined.
export function findPlugin (type: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, type)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch { /* try the next dir */ }
  }
  return undefined
}

function pluginEnv (c: PluginCall): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CNI_')) env[k] = v
  env['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  return {
    ...env,
    CNI_COMMAND: c.command,
    CNI_CONTAINERID: c.containerId,
    CNI_NETNS: c.netns,
    CNI_IFNAME: c.ifname,
    CNI_ARGS: c.cniArgs,
    CNI_PATH: c.pluginDirs.join(':'),
  }
}

// Runs one plugin per the CNI spec: env vars, config on stdin, result or error on stdout.
// Ends it (SIGTERM, then SIGKILL) after the timeout or on abort. Resolves with the parsed
// result (undefined when the plugin printed nothing); rejects with NETWORK_FAILED naming the plugin.
export async function execPlugin (c: PluginCall): Promise<Record<string, unknown> | undefined> {
  const bin = findPlugin(c.type, c.pluginDirs)
  if (bin === undefined) {
    throw new PodctlError('NETWORK_FAILED', `failed to find plugin "${c.type}" in path [${c.pluginDirs.join(' ')}]`)
  }
  const timeoutMs = c.timeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS
  let stdout: string
  try {
    ({ stdout } = await runProcess(bin, [], {
      env: pluginEnv(c), input: JSON.stringify(c.stdin), timeoutMs, forceKillAfterMs: KILL_GRACE_MS, ...(c.signal === undefined ? {} : { signal: c.signal }),
    }))
  } catch (err) {
    if (!isProcessError(err)) throw err
    if (err.code !== undefined) throw new PodctlError('NETWORK_FAILED', `plugin ${c.type} could not be run: ${err.message}`, { cause: err })
    if (err.timedOut) throw new PodctlError('NETWORK_FAILED', `plugin ${c.type} ${c.command} timed out after ${timeoutMs} ms`)
    // Aborted before it started (one aborted while running says what killed it, below).
    if (err.isCanceled && err.exitCode === null && err.signal === null) throw new PodctlError('NETWORK_FAILED', `plugin ${c.type} ${c.command}: interrupted`, { cause: err })
    throw pluginError(c, err.exitCode, err.signal, err.stdout, err.stderr)
  }
  if (stdout.trim() === '') return undefined
  try {
    return JSON.parse(stdout) as Record<string, unknown>
  } catch {
    throw new PodctlError('NETWORK_FAILED', `plugin ${c.type} ${c.command} printed invalid JSON: ${stdout.slice(0, 200)}`)
  }
}

function pluginError (c: PluginCall, code: number | null, sig: NodeJS.Signals | null, stdout: string, stderr: string): PodctlError {
  try {
    const e = JSON.parse(stdout) as { code?: unknown, msg?: unknown, details?: unknown }
    if (typeof e.msg === 'string') {
      const details = typeof e.details === 'string' && e.details !== '' ? `: ${e.details}` : ''
      return new PodctlError('NETWORK_FAILED', `plugin ${c.type} failed (code ${String(e.code ?? code)}): ${e.msg}${details}`)
    }
  } catch { /* not a CNI error result */ }
  const why = sig !== null ? `killed by ${sig}` : `exit status ${code}`
  const text = (stderr.trim() || stdout.trim()).slice(0, 500)
  return new PodctlError('NETWORK_FAILED', `plugin ${c.type} ${c.command} failed (${why})${text === '' ? '' : `: ${text}`}`)
}
