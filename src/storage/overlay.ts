import fs from 'node:fs'

import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { lastErrno, loadLibc, MNT_DETACH } from '../libc.js'
import { execCommand } from '../process/exec-command.js'
import { paths } from './paths.js'

const MOUNT_TIMEOUT_MS = 30_000
const ENOENT = 2
const EBUSY = 16
const EINVAL = 22

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

// Mount options must fit in one page.
const MAX_MOUNT_OPTIONS = 4095

// Mounts the container's overlay rootfs (lowerdirs top first: an imported image's rootfs, or
// image layers given relative to cwd, so deep images' options stay short; upper/work in its
// storage dir); a no-op when it is already mounted.
export async function mountRootfs (host: Host, id: string, lowerDirs: readonly string[], cwd?: string): Promise<string> {
  const cfg = host.config
  const merged = paths.containerRootfs(cfg, id)
  for (const d of [paths.containerUpper(cfg, id), paths.containerWork(cfg, id), merged]) fs.mkdirSync(d, { recursive: true, mode: 0o700 })
  if (isMounted(merged)) return merged
  if (lowerDirs.length === 0) throw new PodctlError('STORAGE_FAILED', `container ${id} has no image layers to mount`)
  for (const d of [...lowerDirs, paths.containerStorage(cfg, id)]) {
    if (/[,:]/.test(d)) throw new PodctlError('STORAGE_FAILED', `overlay paths must not contain "," or ":": ${d}`)
  }
  const opts = `lowerdir=${lowerDirs.join(':')},upperdir=${paths.containerUpper(cfg, id)},workdir=${paths.containerWork(cfg, id)}`
  if (opts.length > MAX_MOUNT_OPTIONS) throw new PodctlError('STORAGE_FAILED', `overlay mount options for container ${id} are ${opts.length} bytes, more than a page: too many layers (${lowerDirs.length})`)
  await execCommand('mount', ['-t', 'overlay', 'overlay', '-o', opts, merged], { timeoutMs: MOUNT_TIMEOUT_MS, code: 'STORAGE_FAILED', signal: host.signal, ...(cwd === undefined ? {} : { cwd }) })
  return merged
}

// Unmounts the rootfs; not mounted or missing is success. umount2(2) through libc, so a
// removal costs no umount exec; a busy mount is detached lazily so the dir can go.
export async function unmountRootfs (host: Host, id: string): Promise<void> {
  const merged = paths.containerRootfs(host.config, id)
  const libc = loadLibc()
  // Loop: a mount may be stacked (e.g. a crash between two mounts).
  for (let i = 0; i < 8; i++) {
    if (libc.umount2(merged, 0) === 0) continue
    const errno = lastErrno()
    if (errno === EINVAL || errno === ENOENT) return
    if (errno === EBUSY && libc.umount2(merged, MNT_DETACH) === 0) continue
    if (!isMounted(merged)) return
    throw new PodctlError('STORAGE_FAILED', `unmounting ${merged} failed (errno ${lastErrno()})`)
  }
}
