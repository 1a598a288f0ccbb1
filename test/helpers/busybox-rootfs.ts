import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { resolveConfig } from '../../src/config.js'
import type { Host } from '../../src/host.js'
import { silentLogger } from '../../src/log.js'
import { importImage } from '../../src/storage/images.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import type { ImageRecord } from '../../src/state/types.js'

export const BUSYBOX = '/bin/busybox'
const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'true', 'false', 'ls', 'ps', 'mount', 'grep', 'touch', 'mkdir', 'rm', 'id', 'hostname', 'env', 'kill', 'test', 'wc', 'nslookup', 'ping', 'nc', 'pwd', 'ulimit', 'head', 'cut']

// Builds a minimal rootfs dir from the static busybox, with applet symlinks in /bin.
// Returns its path; the caller removes it (fs.rmSync(dir, {recursive: true})).
export function buildBusyboxRootfs (): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-busybox-'))
  for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'root']) fs.mkdirSync(path.join(dir, d), { mode: 0o755 })
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'))
  fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755)
  for (const a of APPLETS) fs.symlinkSync('busybox', path.join(dir, 'bin', a))
  fs.writeFileSync(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')
  fs.writeFileSync(path.join(dir, 'etc', 'group'), 'root:x:0:\nusers:x:100:nobody\nnogroup:x:65534:\n')
  return dir
}

// Imports a busybox image named `name` (default "busybox:latest") into a Host's store, or
// into the state under a --root path (given as a string).
export async function importBusyboxImage (hostOrRoot: Host | string, name = 'busybox'): Promise<ImageRecord> {
  const dir = buildBusyboxRootfs()
  try {
    if (typeof hostOrRoot !== 'string') return await importImage(hostOrRoot, dir, name)
    using store = StateStore.open(hostOrRoot)
    const config = resolveConfig({ root: hostOrRoot }, {})
    return await importImage({ config, store, log: silentLogger, signal: new AbortController().signal }, dir, name)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
