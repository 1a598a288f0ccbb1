import { createRequire } from 'node:module'

import type Koffi from 'koffi'

// The few libc calls podctl needs that Node lacks (flock, umount2). Loaded on first use.
interface Libc {
  flock: (fd: number, op: number) => number
  flockAsync: (fd: number, op: number) => Promise<number>
  umount2: (target: string, flags: number) => number
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
  libc = {
    flock: (fd, op) => flock(fd, op) as number,
    // Runs on a libuv worker thread, so a blocking lock wait never stalls the event loop.
    flockAsync: (fd, op) => new Promise((resolve, reject) => {
      flock.async(fd, op, (err: unknown, res: number) => { if (err !== null && err !== undefined) reject(err); else resolve(res) })
    }),
    umount2: (target, flags) => umount2(target, flags) as number,
  }
  return libc
}

// errno of the last synchronous call on this thread.
export function lastErrno (): number {
  return koffi().errno()
}
