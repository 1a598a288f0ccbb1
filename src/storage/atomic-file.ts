import fs from 'node:fs'
import path from 'node:path'

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
