import fs from 'node:fs'
import path from 'node:path'

import { PodctlError } from '../errors.js'

// Writes file so a reader sees the old content or the new, never a torn one:
// temp file in the same dir, fsync, rename, fsync the dir.
export function writeFileAtomic (file: string, data: string, mode = 0o644): void {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const fd = fs.openSync(tmp, 'wx', mode)
  try {
    fs.writeSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    fs.renameSync(tmp, file)
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    throw err
  }
  fsyncDir(dir)
}

export function fsyncDir (dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try { fs.fsyncSync(fd) } finally { fs.closeSync(fd) }
}

// rm -rf that treats "already gone" as success.
export function removeTree (p: string): void {
  fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 })
}

// mkdir -p whose failure names the real cause: Node's recursive mkdir reports ENOENT for a
// read-only or full filesystem, so the first missing level is retried alone to get its errno.
export function makeDirs (dir: string, mode = 0o755): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode })
  } catch (err) {
    let cause = err as NodeJS.ErrnoException
    if (cause.code === 'ENOENT') {
      let first = dir
      while (!fs.existsSync(path.dirname(first)) && path.dirname(first) !== first) first = path.dirname(first)
      try { fs.mkdirSync(first, { mode }) } catch (e) { cause = e as NodeJS.ErrnoException }
    }
    const why = cause.code === 'EROFS' ? 'read-only file system' : cause.code === 'ENOSPC' ? 'no space left on device' : cause.message
    throw new PodctlError('STORAGE_FAILED', `creating ${dir}: ${why}`, { cause })
  }
}
