import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

import { PodctlError } from '../errors.js'

// The temp file an atomic write renames into place: same dir (rename is atomic only within
// a filesystem), a dotfile (readers that list dirs skip it) ending in ".tmp-<hex>", never in
// ".conf", ".conflist" or ".json", so no CNI config walk (libcni matches the extension) or
// result-cache reader picks up a half-written file.
export function tempPathFor (file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`)
}

// Writes file so a reader sees the old content or the new, never a torn one, and the new
// content survives a crash once this returns: temp file, fsync, rename, fsync the dir.
// On failure the temp file is removed and file is left as it was.
export function writeFileAtomicSync (file: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = tempPathFor(file)
  const fd = fs.openSync(tmp, 'wx', mode)
  try {
    try {
      fs.writeFileSync(fd, data)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    throw err
  }
  fsyncDir(path.dirname(file))
}

// writeFileAtomicSync without blocking the event loop.
export async function writeFileAtomic (file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempPathFor(file)
  const handle = await fsp.open(tmp, 'wx', mode)
  try {
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fsp.rename(tmp, file)
  } catch (err) {
    await fsp.rm(tmp, { force: true })
    throw err
  }
  await fsyncDirAsync(path.dirname(file))
}

// Removes a file durably (unlink, fsync the dir); a file already gone is success (false).
export async function removeFileDurable (file: string): Promise<boolean> {
  try {
    await fsp.unlink(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
  await fsyncDirAsync(path.dirname(file))
  return true
}

export function fsyncDir (dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try { fs.fsyncSync(fd) } finally { fs.closeSync(fd) }
}

async function fsyncDirAsync (dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r')
  try { await handle.sync() } finally { await handle.close() }
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
