import fs from 'node:fs'
import path from 'node:path'

import { PodctlError } from '../errors.js'

const MAX_LINKS = 40

// The host path of `p` inside the container root `root`, with every symlink resolved as
// the container would see it: an absolute target is taken from `root`, and `..` never
// climbs above it. Components that do not exist are kept as they are (so the result may
// name something to create). Reading or creating through the result cannot leave `root`
// unless the tree changes under us (containers are not running while we do this).
export function resolveInRoot (root: string, p: string): string {
  const pending = p.split('/').filter(s => s !== '' && s !== '.')
  const done: string[] = []
  let links = 0
  while (pending.length > 0) {
    const part = pending.shift()!
    if (part === '..') { done.pop(); continue }
    const candidate = path.join(root, ...done, part)
    let st: fs.Stats | undefined
    try {
      st = fs.lstatSync(candidate)
    } catch {
      st = undefined
    }
    if (st?.isSymbolicLink() !== true) { done.push(part); continue }
    if (++links > MAX_LINKS) throw new PodctlError('STORAGE_FAILED', `resolving ${p} in the container: too many levels of symbolic links`)
    const target = fs.readlinkSync(candidate)
    if (target.startsWith('/')) done.length = 0
    pending.unshift(...target.split('/').filter(s => s !== '' && s !== '.'))
  }
  return path.join(root, ...done)
}

// Reads a file of the container's tree; undefined when it does not exist or is not a file.
export function readFileInRoot (root: string, p: string): string | undefined {
  const file = resolveInRoot(root, p)
  try {
    if (!fs.statSync(file).isFile()) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

// mkdir -p of `p` inside the root, each missing component created (0755) after the ones
// before it were resolved, so a symlink can never send the creation outside.
export function mkdirInRoot (root: string, p: string): void {
  let current = '/'
  for (const part of p.split('/').filter(s => s !== '' && s !== '.')) {
    current = path.posix.join(current, part)
    const host = resolveInRoot(root, current)
    try {
      // recursive: a symlink resolved to a path whose parents are missing (inside the root:
      // every existing component was resolved, so none of the missing ones is a link).
      fs.mkdirSync(host, { mode: 0o755, recursive: true })
      if (!fs.statSync(host).isDirectory()) throw new Error(`${current} is not a directory`)
    } catch (err) {
      throw new PodctlError('STORAGE_FAILED', `creating ${p} in the container: ${(err as Error).message}`, { cause: err })
    }
  }
}
