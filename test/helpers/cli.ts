import { spawn } from 'node:child_process'
import path from 'node:path'

import { runCli } from '../../src/cli/cli.js'
import type { RemovalBackendFactory } from '../../src/removal/backend.js'

export interface CliRun { code: number, stdout: string, stderr: string, signal?: NodeJS.Signals }

export const PODCTL_BIN = path.resolve(import.meta.dirname, '../../dist/podctl.mjs')
// The package's bin: a launcher that runs PODCTL_BIN with node (see cmd/podctl.sh).
export const PODCTL_LAUNCHER = path.resolve(import.meta.dirname, '../../dist/podctl')

// Runs the CLI in this process (fast, for parsing and rendering tests).
// opts.removalBackend runs rm/pod rm against a fake backend instead of the host.
export async function runInProcess (args: string[], opts: { removalBackend?: RemovalBackendFactory } = {}): Promise<CliRun> {
  let stdout = ''; let stderr = ''
  const code = await runCli(args, { stdout: s => { stdout += s }, stderr: s => { stderr += s }, signal: new AbortController().signal, ...opts })
  return { code, stdout, stderr }
}

// Runs the built CLI as a separate process, as a user would.
export function runPodctl (args: string[], opts: { env?: NodeJS.ProcessEnv, input?: string, timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PODCTL_LAUNCHER, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? 128, stdout, stderr, ...(signal === null ? {} : { signal }) }) })
    child.stdin.end(opts.input ?? '')
  })
}
