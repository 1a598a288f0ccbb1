import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { PodctlConfig } from '../../src/config.js'
import type { Host } from '../../src/host.js'
import { silentLogger } from '../../src/log.js'
import type { Logger } from '../../src/log.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'

export interface TestHost extends Host, Disposable {
  readonly dir: string
  readonly logLines: string[]
}

// A Host on fresh temp dirs (root, runroot, CNI dirs) with a real SQLite store.
// Dispose closes the store; removing dirs is up to the caller (mounts may still exist).
export function createTestHost (opts: { runtime?: string, log?: boolean } = {}): TestHost {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-host-'))
  const config: PodctlConfig = {
    root: path.join(dir, 'root'),
    runroot: path.join(dir, 'run'),
    cniConfigDir: path.join(dir, 'cni', 'net.d'),
    cniPluginDirs: ['/usr/lib/cni', '/opt/cni/bin'],
    cniCacheDir: path.join(dir, 'cni', 'cache'),
    runtime: opts.runtime ?? 'runc',
    logLevel: 'debug',
  }
  const logLines: string[] = []
  const log: Logger = opts.log === false
    ? silentLogger
    : { debug: m => logLines.push(`debug: ${m}`), info: m => logLines.push(`info: ${m}`), warn: m => logLines.push(`warn: ${m}`), error: m => logLines.push(`error: ${m}`) }
  const store = StateStore.open(config.root)
  return {
    dir, config, log, store, logLines, signal: new AbortController().signal,
    [Symbol.dispose] () { store.close() },
  }
}

// The CLI flags that point podctl at this host's dirs.
export function hostArgs (h: Host): string[] {
  return ['--root', h.config.root, '--runroot', h.config.runroot, '--cni-config-dir', h.config.cniConfigDir, '--cni-cache-dir', h.config.cniCacheDir]
}
