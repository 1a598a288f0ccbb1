import fs from 'node:fs'

import { errorMessage, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { execCommand } from '../runtime/exec-command.js'
import { paths } from './paths.js'

const MOUNT_TIMEOUT_MS = 30_000

// Mount points from /proc/self/mountinfo (field 5), with octal escapes decoded.
export function listMountPoints (): Set<string> {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8')
  const out = new Set<string>()
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4]
    if (mp !== undefined) out.add(mp.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
  }
  return out
}

export function isMounted (mountPoint: string): boolean {
  return listMountPoints().has(mountPoint)
}

// Mounts the container's overlay rootfs (lower = image, upper/work in its storage dir);
// a no-op when it is already mounted.
export async function mountRootfs (host: Host, id: string, lowerDir: string): Promise<string> {
  const cfg = host.config
  const merged = paths.containerRootfs(cfg, id)
  for (const d of [paths.containerUpper(cfg, id), paths.containerWork(cfg, id), merged]) fs.mkdirSync(d, { recursive: true, mode: 0o700 })
  if (isMounted(merged)) return merged
  if (/[,:]/.test(lowerDir) || /[,:]/.test(paths.containerStorage(cfg, id))) {
    throw new PodctlError('STORAGE_FAILED', `overlay paths must not contain "," or ":": ${lowerDir}`)
  }
  const opts = `lowerdir=${lowerDir},upperdir=${paths.containerUpper(cfg, id)},workdir=${paths.containerWork(cfg, id)}`
  await execCommand('mount', ['-t', 'overlay', 'overlay', '-o', opts, merged], { timeoutMs: MOUNT_TIMEOUT_MS, code: 'STORAGE_FAILED' })
  return merged
}

// Unmounts the rootfs; not mounted or missing is success.
export async function unmountRootfs (host: Host, id: string): Promise<void> {
  const merged = paths.containerRootfs(host.config, id)
  // Loop: a mount may be stacked (e.g. a crash between two mounts).
  for (let i = 0; i < 8 && isMounted(merged); i++) {
    try {
      await execCommand('umount', [merged], { timeoutMs: MOUNT_TIMEOUT_MS, code: 'STORAGE_FAILED' })
    } catch (err) {
      if (/not mounted|no mount point|No such file/i.test(errorMessage(err))) return
      // Busy: detach lazily so the directory can go; the kernel frees it when unused.
      await execCommand('umount', ['-l', merged], { timeoutMs: MOUNT_TIMEOUT_MS, code: 'STORAGE_FAILED' })
    }
  }
}
