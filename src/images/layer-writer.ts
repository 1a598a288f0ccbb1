import fs from 'node:fs'
import path from 'node:path'

import { lastErrno, loadLibc, makedev } from '../libc.js'
import type { TarEntry, TarSink } from './tar-reader.js'
import { TarError } from './tar-reader.js'

// Writes a layer's tar entries under root as overlay expects them: ownership, modes, xattrs,
// hard links, symlinks (targets kept as they are, absolute ones too) and device nodes kept;
// whiteouts translated (.wh.NAME → a 0:0 char device, .wh..wh..opq → the opaque xattr).
// No entry may land outside root: ".." and absolute names are refused, and nothing is
// written through a symlink (every parent must be a real directory under root).

const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000
const S_IFIFO = 0o010000

export class LayerEscapeError extends TarError {}

// The entry's path components, or a LayerEscapeError. "./a/b/" → ['a', 'b']; "." → [].
export function safeComponents (name: string): string[] {
  if (name.startsWith('/')) throw new LayerEscapeError(`entry ${JSON.stringify(name)} has an absolute path`)
  if (name.includes('\0')) throw new LayerEscapeError(`entry ${JSON.stringify(name)} contains a NUL byte`)
  const parts = name.split('/').filter(p => p !== '' && p !== '.')
  if (parts.includes('..')) throw new LayerEscapeError(`entry ${JSON.stringify(name)} escapes the layer directory`)
  return parts
}

function check (rc: number, what: string, p: string): void {
  if (rc !== 0) throw new TarError(`${what} ${p}: errno ${lastErrno()}`)
}

export function createLayerWriter (root: string): TarSink & { close: () => void } {
  const libc = loadLibc()
  // Dirs known to be real directories under root (created or checked), relative paths.
  const dirs = new Set<string>([''])
  const dirTimes: { p: string, mtime: number }[] = []
  let fd: number | null = null
  let pending: { p: string, e: TarEntry } | null = null

  // Makes sure every parent of parts is a real directory (creating missing ones 0755 root).
  const parentOf = (parts: string[], name: string): string => {
    let rel = ''
    for (const c of parts.slice(0, -1)) {
      rel = rel === '' ? c : `${rel}/${c}`
      if (dirs.has(rel)) continue
      const abs = path.join(root, rel)
      let st: fs.Stats | undefined
      try { st = fs.lstatSync(abs) } catch { /* missing */ }
      if (st === undefined) fs.mkdirSync(abs, { mode: 0o755 })
      else if (st.isSymbolicLink()) throw new LayerEscapeError(`entry ${JSON.stringify(name)} would be written through the symlink ${JSON.stringify(rel)}`)
      else if (!st.isDirectory()) throw new LayerEscapeError(`entry ${JSON.stringify(name)}: ${JSON.stringify(rel)} is not a directory`)
      dirs.add(rel)
    }
    return rel
  }

  // Removes whatever is at abs (a later entry replaces an earlier one), except a directory
  // when the new entry is one too.
  const clear = (abs: string, keepDir: boolean): boolean => {
    let st: fs.Stats
    try { st = fs.lstatSync(abs) } catch { return false }
    if (st.isDirectory() && keepDir) return true
    fs.rmSync(abs, { recursive: true, force: true })
    return false
  }

  const setXattrs = (abs: string, xattrs: Map<string, Buffer>): void => {
    for (const [k, v] of xattrs) check(libc.lsetxattr(abs, k, v), `setting xattr ${k} on`, abs)
  }

  const attrs = (abs: string, e: TarEntry): void => {
    fs.lchownSync(abs, e.uid, e.gid)
    // After chown, which clears setuid/setgid bits.
    if (e.type !== 'symlink') fs.chmodSync(abs, e.mode)
    setXattrs(abs, e.xattrs)
    if (e.type === 'dir') dirTimes.push({ p: abs, mtime: e.mtime })
    else fs.lutimesSync(abs, e.mtime, e.mtime)
  }

  return {
    entry (e) {
      const parts = safeComponents(e.name)
      if (parts.length === 0) {
        if (e.type === 'dir') attrs(root, e)
        return
      }
      parentOf(parts, e.name)
      const base = parts[parts.length - 1]!
      const abs = path.join(root, ...parts)
      if (base === OPAQUE) {
        check(libc.lsetxattr(path.dirname(abs), 'trusted.overlay.opaque', Buffer.from('y')), 'marking opaque', path.dirname(abs))
        return
      }
      if (base.startsWith(WHITEOUT)) {
        // .wh..wh.* other than the opaque marker are aufs metadata: nothing to write.
        if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return
        const target = path.join(path.dirname(abs), base.slice(WHITEOUT.length))
        if (base.length === WHITEOUT.length) throw new LayerEscapeError(`entry ${JSON.stringify(e.name)} is a whiteout of nothing`)
        clear(target, false)
        check(libc.mknod(target, S_IFCHR | 0o000, makedev(0, 0)), 'creating whiteout', target)
        return
      }
      const rel = parts.join('/')
      const existed = clear(abs, e.type === 'dir')
      if (e.type !== 'dir') dirs.delete(rel)
      switch (e.type) {
        case 'dir':
          if (!existed) fs.mkdirSync(abs, { mode: 0o700 })
          dirs.add(rel)
          break
        case 'file':
          fd = fs.openSync(abs, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600)
          pending = { p: abs, e }
          return
        case 'symlink':
          fs.symlinkSync(e.linkname, abs)
          break
        case 'link': {
          const target = safeComponents(e.linkname)
          if (target.length === 0) throw new LayerEscapeError(`hard link ${JSON.stringify(e.name)} to the layer root`)
          parentOf(target, e.linkname)
          const targetAbs = path.join(root, ...target)
          let st: fs.Stats
          try { st = fs.lstatSync(targetAbs) } catch { throw new TarError(`hard link ${JSON.stringify(e.name)} to ${JSON.stringify(e.linkname)}, which is not in the layer`) }
          if (st.isDirectory()) throw new TarError(`hard link ${JSON.stringify(e.name)} to the directory ${JSON.stringify(e.linkname)}`)
          fs.linkSync(targetAbs, abs)
          return
        }
        case 'char':
        case 'block':
        case 'fifo': {
          const kind = e.type === 'char' ? S_IFCHR : e.type === 'block' ? S_IFBLK : S_IFIFO
          check(libc.mknod(abs, kind | (e.mode & 0o7777), makedev(e.devmajor, e.devminor)), 'creating device node', abs)
          break
        }
      }
      attrs(abs, e)
    },
    data (chunk) {
      let off = 0
      while (off < chunk.length) off += fs.writeSync(fd!, chunk, off, chunk.length - off)
    },
    entryEnd () {
      if (fd !== null) {
        fs.closeSync(fd)
        fd = null
      }
      if (pending !== null) {
        attrs(pending.p, pending.e)
        pending = null
      }
    },
    // Directory times last: writing into a directory changes its mtime.
    close () {
      if (fd !== null) { fs.closeSync(fd); fd = null }
      for (const d of dirTimes.reverse()) {
        try { fs.utimesSync(d.p, d.mtime, d.mtime) } catch { /* replaced by a later entry */ }
      }
    },
  }
}
