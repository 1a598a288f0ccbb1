import path from 'node:path'

import { invalidArgument } from './errors.js'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = typeof LOG_LEVELS[number]

// Every path podctl touches, so that tests and CI run isolated side by side.
export interface PodctlConfig {
  root: string
  runroot: string
  cniConfigDir: string
  cniPluginDirs: string[]
  cniCacheDir: string
  runtime: string
  logLevel: LogLevel
}

export interface GlobalOptionSpec {
  key: keyof PodctlConfig
  flag: string
  env: string
  default: string
  describe: string
}

export const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  { key: 'root', flag: 'root', env: 'PODCTL_ROOT', default: '/var/lib/podctl', describe: 'Path to the root directory in which data, including images and state, is stored' },
  { key: 'runroot', flag: 'runroot', env: 'PODCTL_RUNROOT', default: '/run/podctl', describe: 'Path to the run directory for runtime state and network namespaces' },
  { key: 'cniConfigDir', flag: 'cni-config-dir', env: 'PODCTL_CNI_CONFIG_DIR', default: '/etc/cni/net.d', describe: 'Directory holding CNI network configuration files' },
  { key: 'cniPluginDirs', flag: 'cni-plugin-dir', env: 'PODCTL_CNI_PLUGIN_DIR', default: '/usr/lib/cni:/opt/cni/bin', describe: 'Colon-separated directories searched for CNI plugins' },
  { key: 'cniCacheDir', flag: 'cni-cache-dir', env: 'PODCTL_CNI_CACHE_DIR', default: '/var/lib/cni', describe: 'Directory for the CNI result cache' },
  { key: 'runtime', flag: 'runtime', env: 'PODCTL_RUNTIME', default: 'runc', describe: 'OCI runtime: runc, crun, or an absolute path to one' },
  { key: 'logLevel', flag: 'log-level', env: 'PODCTL_LOG_LEVEL', default: 'warn', describe: 'Log messages at and above this level (debug, info, warn, error)' },
]

function absolutePath (flag: string, value: string): string {
  if (value === '' || value.includes('\0')) throw invalidArgument(`invalid --${flag} ${JSON.stringify(value)}: must be a non-empty path`)
  if (!path.isAbsolute(value)) throw invalidArgument(`invalid --${flag} ${JSON.stringify(value)}: must be an absolute path`)
  return path.resolve(value)
}

export type RawGlobalOptions = Partial<Record<string, unknown>>

// Flags win over env vars, env vars over defaults; everything is validated here.
export function resolveConfig (raw: RawGlobalOptions, env: NodeJS.ProcessEnv = process.env): PodctlConfig {
  const pick = (spec: GlobalOptionSpec): string => {
    const v = raw[spec.flag]
    if (v !== undefined && v !== null) {
      if (typeof v !== 'string') throw invalidArgument(`invalid --${spec.flag}: expected one value`)
      return v
    }
    return env[spec.env] ?? spec.default
  }
  const get = (key: keyof PodctlConfig): string => pick(GLOBAL_OPTIONS.find(s => s.key === key)!)
  const logLevel = get('logLevel')
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalidArgument(`invalid --log-level ${JSON.stringify(logLevel)}: must be one of ${LOG_LEVELS.join(', ')}`)
  }
  const runtime = get('runtime')
  if (runtime !== 'runc' && runtime !== 'crun' && !path.isAbsolute(runtime)) {
    throw invalidArgument(`invalid --runtime ${JSON.stringify(runtime)}: must be runc, crun or an absolute path`)
  }
  return {
    root: absolutePath('root', get('root')),
    runroot: absolutePath('runroot', get('runroot')),
    cniConfigDir: absolutePath('cni-config-dir', get('cniConfigDir')),
    cniPluginDirs: get('cniPluginDirs').split(':').filter(Boolean).map(d => absolutePath('cni-plugin-dir', d)),
    cniCacheDir: absolutePath('cni-cache-dir', get('cniCacheDir')),
    runtime,
    logLevel: logLevel as LogLevel,
  }
}
