import { createRequire } from 'node:module'

import type Koffi from 'koffi'

// The few libc calls podctl needs that Node lacks (flock, umount2, mknod, lsetxattr). Loaded on first use.
interface Libc {
  flock: (fd: number, op: number) => number
  flockAsync: (fd: number, op: number) => Promise<number>
  umount2: (target: string, flags: number) => number
  mknod: (path: string, mode: number, dev: bigint) => number
  lsetxattr: (path: string, name: string, value: Buffer) => number
}

export const LOCK_SH = 1
export const LOCK_EX = 2
export const LOCK_NB = 4
export const MNT_DETACH = 2

let libc: Libc | undefined
// koffi (a native addon) is required on first use, not when podctl starts.
let koffiModule: typeof Koffi | undefined
function koffi (): typeof Koffi {
  koffiModule ??= createRequire(import.meta.url)('koffi') as typeof Koffi
  return koffiModule
}

export function loadLibc (): Libc {
  if (libc !== undefined) return libc
  const lib = koffi().load('libc.so.6')
  const flock = lib.func('int flock(int fd, int operation)')
  const umount2 = lib.func('int umount2(const char *target, int flags)')
  const mknod = lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)')
  const lsetxattr = lib.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)')
  libc = {
    flock: (fd, op) => flock(fd, op) as number,
    // Runs on a libuv worker thread, so a blocking lock wait never stalls the event loop.
    flockAsync: (fd, op) => new Promise((resolve, reject) => {
      flock.async(fd, op, (err: unknown, res: number) => { if (err !== null && err !== undefined) reject(err); else resolve(res) })
    }),
    umount2: (target, flags) => umount2(target, flags) as number,
    mknod: (p, mode, dev) => mknod(p, mode, dev) as number,
    lsetxattr: (p, name, value) => lsetxattr(p, name, value, value.length, 0) as number,
  }
  return libc
}

// errno of the last synchronous call on this thread.
export function lastErrno (): number {
  return koffi().errno()
}

// Linux's makedev(3) for mknod.
export function makedev (major: number, minor: number): bigint {
  const ma = BigInt(major); const mi = BigInt(minor)
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn)
}
