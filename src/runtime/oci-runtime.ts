import type { LogLevel } from '../config.js'
import type { SpawnedProcess } from '../process/run-process.js'

// How long one runtime command (or conmon's report) may take before it is ended.
export const RUNTIME_TIMEOUT_MS = 30_000

export interface RuntimeState { id: string, status: string, pid: number }

// The monitor's identity, recorded in the container row so removal can end it by PID.
export interface MonitorIdentity { pid: number, start: string }

export interface Created { pid: number, monitor: MonitorIdentity }

// Where one container's runtime and monitor files go (the caller owns the layout).
export interface CreateRequest {
  id: string
  name: string
  bundle: string
  pidFile: string
  conmonPidFile: string
  // runc/crun --log: its error as JSON when create fails.
  runtimeLog: string
  logFile: string
  exitDir: string
  exitFile: string
  logLevel: LogLevel
  // -t: conmon holds the pty (it receives the master on its own console socket).
  terminal?: boolean
}

// A foreground `run`: the runtime is podctl's child and the parent of the container's init.
export interface RunRequest {
  id: string
  bundle: string
  pidFile: string
  runtimeLog: string
  // The container reads podctl's stdin; otherwise /dev/null.
  interactive: boolean
  // -t: the runtime makes the pty and proxies it to its own stdio, which is podctl's
  // (the user's terminal): raw mode, window size and output are the runtime's.
  terminal?: boolean
}

// A process started in a running container (`exec`).
export interface ExecRequest {
  id: string
  args: string[]
  env: string[]
  cwd?: string
  user: { uid: number, gid: number, additionalGids?: number[] }
  // The runtime's own error (JSON lines) goes here, not to the process's stderr.
  runtimeLog: string
  interactive: boolean
  // Detached: the runtime returns once the process runs; its PID is written here.
  detachPidFile?: string
  // -t (foreground only): as RunRequest.terminal.
  terminal?: boolean
}

// The runc/crun CLI, one container root. Every method is one or a few runtime execs with an
// argument array and a bounded timeout; "already gone" counts as success where it can.
export interface OciRuntime {
  // The configured name or path of runc/crun, as messages name it.
  readonly binary: string
  // Creates the container under a conmon of its own; resolves once create succeeded (not started).
  create (req: CreateRequest): Promise<Created>
  start (id: string): Promise<void>
  // undefined: the runtime does not know the container.
  state (id: string): Promise<RuntimeState | undefined>
  // Sends signal to the init (all: every process); a container that has exited is success.
  kill (id: string, signal: string, opts?: { all?: boolean }): Promise<void>
  // delete --force; a container the runtime does not know is success.
  delete (id: string): Promise<void>
  // Every container the runtime knows, in one exec.
  list (): Promise<Map<string, RuntimeState>>
  // Spawns `run` with the container's stdout/stderr as pipes; never timed out or aborted
  // (it lasts as long as the container; signals reach it through the caller's proxy).
  run (req: RunRequest): SpawnedProcess
  // Spawns `exec`: the process's stdout/stderr as pipes (detached: /dev/null), stdin from
  // podctl's when interactive. Its exit status is the process's.
  exec (req: ExecRequest): SpawnedProcess
}
