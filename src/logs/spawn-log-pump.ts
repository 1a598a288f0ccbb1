import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { readStartTime } from '../runtime/proc-status.js'
import { LOG_SIZE_MAX } from './k8s-file.js'
import type { PumpReport, PumpRequest } from './log-pump.js'

export const PUMP_REPORT_TIMEOUT_MS = 30_000

// The pump's identity, recorded in the container row so removal can end it by PID.
export interface PumpIdentity { pid: number, start: string }

// Next to this module (src/logs/*.ts under tsx, dist/src/logs/*.js), or next to the
// bundle (dist/podctl.mjs → dist/log-pump.mjs, see scripts/bundle.mjs).
const here = fileURLToPath(import.meta.url)
const PUMP_SCRIPT = /spawn-log-pump\.(ts|js)$/.test(here)
  ? here.replace(/spawn-log-pump\.(ts|js)$/, 'log-pump.$1')
  : path.join(path.dirname(here), 'log-pump.mjs')

// Creates the container through a detached log pump (see log-pump.ts) and resolves once
// the runtime's create has succeeded; its error output becomes the error otherwise.
export async function createWithLogPump (host: Host, id: string, runtimeArgs: string[], logFile: string, maxBytes = LOG_SIZE_MAX): Promise<PumpIdentity> {
  const req: PumpRequest = { runtime: host.config.runtime, args: runtimeArgs, log: logFile, maxBytes }
  host.log.debug(`log pump: ${host.config.runtime} ${runtimeArgs.join(' ')}`)
  // The pump outlives podctl: its own session, cwd / (it pins no directory), no debugger
  // flags inherited. Under tests the pump is .ts: tsx's --import is kept, resolved from cwd.
  const execArgv = process.execArgv.filter(a => !/^--(inspect|debug)/.test(a))
  const child = spawn(process.execPath, [...execArgv, PUMP_SCRIPT, JSON.stringify(req)], {
    detached: true, cwd: PUMP_SCRIPT.endsWith('.ts') ? process.cwd() : '/', stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  })
  const pid = child.pid
  const channel = child.stdio[3] as NodeJS.ReadableStream | null
  if (pid === undefined || channel === null) throw new PodctlError('RUNTIME_FAILED', `starting the log pump for container ${id} failed`)
  const start = readStartTime(pid) ?? '0'
  const report = await new Promise<PumpReport | undefined>(resolve => {
    let text = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(undefined) }, PUMP_REPORT_TIMEOUT_MS)
    channel.on('data', (d: Buffer) => { text += d.toString('utf8') })
    channel.on('end', () => {
      clearTimeout(timer)
      try { resolve(JSON.parse(text) as PumpReport) } catch { resolve(undefined) }
    })
    child.on('error', () => { clearTimeout(timer); resolve(undefined) })
  })
  child.unref()
  ;(channel as unknown as { destroy?: () => void }).destroy?.()
  if (report === undefined) throw new PodctlError('RUNTIME_FAILED', `${host.config.runtime} create ${id}: the log pump did not report`)
  if (!report.ok) throw new PodctlError('RUNTIME_FAILED', `${host.config.runtime} create ${id}: ${report.output !== '' ? report.output : `exited with ${report.status}`}`)
  return { pid, start }
}
