import fs from 'node:fs'
import path from 'node:path'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { execCommand } from '../process/exec-command.js'
import { fsyncDir, removeTree } from './atomic-file.js'
import { paths } from './paths.js'

export const CATATONIT_CANDIDATES = ['/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/usr/local/bin/catatonit']
export const INFRA_COMMAND = ['/catatonit', '-P']

function findCatatonit (): string {
  const found = CATATONIT_CANDIDATES.find(p => fs.existsSync(p))
  if (found === undefined) throw new PodctlError('STORAGE_FAILED', 'catatonit not found: the pod infra container needs it', { hint: 'apt-get install catatonit' })
  return found
}

// Libraries a dynamic binary needs, from ldd; [] for a static one.
async function sharedLibraries (bin: string): Promise<string[]> {
  try {
    const { stdout } = await execCommand('ldd', [bin], { timeoutMs: 10_000 })
    return [...stdout.matchAll(/(\/\S+) \(0x/g)].map(m => m[1]!).filter(p => fs.existsSync(p))
  } catch {
    return [] // "not a dynamic executable"
  }
}

// Builds <root>/storage/infra-rootfs once: catatonit (plus its libraries if dynamic) and the
// mount point dirs, in a temp dir renamed into place, so readers see all or nothing.
export async function ensureInfraRootfs (host: Host): Promise<string> {
  const target = paths.infraRootfs(host.config)
  if (fs.existsSync(path.join(target, 'catatonit'))) return target
  const bin = findCatatonit()
  const parent = path.dirname(target)
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 })
  const tmp = fs.mkdtempSync(path.join(parent, '.infra-rootfs-'))
  try {
    for (const d of ['proc', 'sys', 'dev', 'etc', 'tmp']) fs.mkdirSync(path.join(tmp, d), { mode: 0o755 })
    fs.copyFileSync(bin, path.join(tmp, 'catatonit'))
    fs.chmodSync(path.join(tmp, 'catatonit'), 0o755)
    for (const lib of await sharedLibraries(bin)) {
      const dest = path.join(tmp, lib)
      fs.mkdirSync(path.dirname(dest), { recursive: true })
      fs.copyFileSync(fs.realpathSync(lib), dest)
    }
    try {
      fs.renameSync(tmp, target)
    } catch (err) {
      // Another process won the race: its copy is as good as ours.
      if (!fs.existsSync(path.join(target, 'catatonit'))) throw err
    }
    fsyncDir(parent)
    return target
  } finally {
    removeTree(tmp)
  }
}
