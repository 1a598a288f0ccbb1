import fs from 'node:fs'
import path from 'node:path'

import type { LogLevel } from '../config.js'

// Where Podman looks for conmon (containers.conf conmon_path) after $PATH.
const CONMON_PATHS = ['/usr/libexec/podman/conmon', '/usr/local/libexec/podman/conmon', '/usr/bin/conmon', '/usr/sbin/conmon', '/usr/local/bin/conmon']

// The first executable file named name in $PATH (an absolute name is taken as it is).
export function findExecutable (name: string, extra: readonly string[] = [], envPath = process.env['PATH'] ?? ''): string | undefined {
  const candidates = path.isAbsolute(name) ? [name] : [...envPath.split(':').filter(Boolean).map(d => path.join(d, name)), ...extra]
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK)
      if (fs.statSync(file).isFile()) return file
    } catch {}
  }
  return undefined
}

export function findConmon (): string | undefined {
  return findExecutable('conmon', CONMON_PATHS)
}

// What one detached container's conmon is told.
export interface ConmonRequest {
  id: string
  name: string
  // Absolute path of runc/crun (conmon execs it directly).
  runtimePath: string
  runtimeRoot: string
  bundle: string
  pidFile: string
  conmonPidFile: string
  // runc/crun --log: its error as JSON when create fails.
  runtimeLog: string
  logFile: string
  // conmon starts the log over past this size; undefined: no limit (Podman's default,
  // containers.conf log_size_max = -1), so nothing a container wrote is lost.
  logSizeMax?: number
  exitDir: string
  logLevel: LogLevel
  // -t: conmon allocates the console socket and keeps the pty master.
  terminal?: boolean
}

const CONMON_LEVEL: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' }

// conmon's command line, as Podman's sharedConmonArgs builds it for create: API version 1
// (the sync pipe reports {"data": pid} or {"data": -1, "message": …}), the exit code to
// <exitDir>/<id>, the attach socket in the bundle dir (--full-attach), output to a k8s-file
// log. Runtime args come before the runtime's `create`. No --exit-command: podctl has no
// daemon to call back; the next podctl that looks reads the exit file.
export function conmonArgs (r: ConmonRequest): string[] {
  return [
    '--api-version', '1',
    '-c', r.id,
    '-u', r.id,
    '-r', r.runtimePath,
    '-b', r.bundle,
    '-p', r.pidFile,
    '-n', r.name,
    '--exit-dir', r.exitDir,
    '--full-attach',
    '--runtime-arg', '--root', '--runtime-arg', r.runtimeRoot,
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', '--runtime-arg', r.runtimeLog,
    '-l', `k8s-file:${r.logFile}`,
    ...(r.logSizeMax === undefined ? [] : ['--log-size-max', String(r.logSizeMax)]),
    '--log-level', CONMON_LEVEL[r.logLevel],
    '--syslog',
    '--conmon-pidfile', r.conmonPidFile,
    ...(r.terminal === true ? ['-t'] : []),
  ]
}
