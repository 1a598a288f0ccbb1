import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument } from '../errors.js'
import { validateName } from '../ids.js'

// One -v argument: anonymous (/path), named (name:/path) or bind (/host:/path), [:ro|rw].
export type VolumeArg =
  | { kind: 'anonymous', destination: string, readOnly: boolean }
  | { kind: 'named', name: string, destination: string, readOnly: boolean }
  | { kind: 'bind', source: string, destination: string, readOnly: boolean }
  | { kind: 'tmpfs', destination: string, readOnly: boolean, options: string[] }

// An absolute, normalised container path with no ".." component (nothing escapes the rootfs).
export function validateDestination (raw: string): string {
  if (!path.isAbsolute(raw)) throw invalidArgument(`invalid container path ${JSON.stringify(raw)}, must be an absolute path`)
  if (raw.split('/').includes('..') || raw.includes('\0')) throw invalidArgument(`invalid container path ${JSON.stringify(raw)}: must not contain ".."`)
  const d = path.posix.normalize(raw)
  if (d === '/') throw invalidArgument('invalid container path "/": cannot mount a volume over the root')
  return d.length > 1 ? d.replace(/\/$/, '') : d
}

function parseOptions (raw: string | undefined, arg: string): boolean {
  if (raw === undefined || raw === '') return false
  let ro = false
  for (const o of raw.split(',')) {
    if (o === 'ro') ro = true
    else if (o === 'rw') ro = false
    else if (!['z', 'Z', 'rbind', 'bind'].includes(o)) throw invalidArgument(`invalid volume option ${JSON.stringify(o)} in ${JSON.stringify(arg)}`)
  }
  return ro
}

export function parseVolumeArg (arg: string): VolumeArg {
  const parts = arg.split(':')
  if (arg === '' || parts.length > 3) throw invalidArgument(`incorrect volume format ${JSON.stringify(arg)}, should be [host-dir:]ctr-dir[:option]`)
  if (parts.length === 1) return { kind: 'anonymous', destination: validateDestination(arg), readOnly: false }
  if (parts.length === 2 && parts[0]!.startsWith('/') && (parts[1] === 'ro' || parts[1] === 'rw')) {
    return { kind: 'anonymous', destination: validateDestination(parts[0]!), readOnly: parts[1] === 'ro' }
  }
  const [src, dst, opts] = parts as [string, string, string | undefined]
  const destination = validateDestination(dst)
  const readOnly = parseOptions(opts, arg)
  if (src.startsWith('/')) {
    if (src.split('/').includes('..')) throw invalidArgument(`invalid host path ${JSON.stringify(src)}: must not contain ".."`)
    if (!fs.existsSync(src)) throw invalidArgument(`statfs ${src}: no such file or directory`)
    return { kind: 'bind', source: path.resolve(src), destination, readOnly }
  }
  if (src.startsWith('.')) throw invalidArgument(`invalid volume name ${JSON.stringify(src)}: relative host paths are not supported`)
  return { kind: 'named', name: validateName(src, 'volume names'), destination, readOnly }
}

// Parses --volumes-from X[:ro|rw].
export function parseVolumesFrom (arg: string): { ref: string, readOnly?: boolean } {
  const i = arg.lastIndexOf(':')
  if (i < 0) return { ref: arg }
  const opt = arg.slice(i + 1)
  if (opt !== 'ro' && opt !== 'rw') throw invalidArgument(`invalid options ${JSON.stringify(opt)} in --volumes-from ${JSON.stringify(arg)}`)
  return { ref: arg.slice(0, i), readOnly: opt === 'ro' }
}

const MOUNT_SOURCE = ['source', 'src']
const MOUNT_DEST = ['destination', 'dst', 'target']
// Options Podman takes that change nothing here (SELinux relabelling, propagation of a
// private bind, consistency hints).
const MOUNT_NO_OPS = ['relabel', 'z', 'Z', 'consistency', 'bind-propagation', 'bind-nonrecursive']

function parseBoolOpt (key: string, value: string | undefined, arg: string): boolean {
  if (value === undefined || value === 'true') return true
  if (value === 'false') return false
  throw invalidArgument(`invalid value ${JSON.stringify(value)} for --mount option ${key} in ${JSON.stringify(arg)}: must be true or false`)
}

// One --mount argument (Podman's syntax, comma-separated key=value): type=volume (named, or
// anonymous without a source), type=bind or type=tmpfs (tmpfs-size, tmpfs-mode);
// ro/readonly[=true|false], rw. Other types and keys are refused by name.
export function parseMountArg (arg: string): VolumeArg {
  let type: string | undefined
  let source: string | undefined
  let destination: string | undefined
  let readOnly = false
  const tmpfs: string[] = []
  for (const part of arg.split(',')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? undefined : part.slice(eq + 1)
    if (key === 'type') type = value
    else if (MOUNT_SOURCE.includes(key)) source = value
    else if (MOUNT_DEST.includes(key)) destination = value
    else if (key === 'ro' || key === 'readonly') readOnly = parseBoolOpt(key, value, arg)
    else if (key === 'rw') readOnly = !parseBoolOpt(key, value, arg)
    else if (key === 'tmpfs-size' && value !== undefined && /^\d+[kmgKMG]?$/.test(value)) tmpfs.push(`size=${value}`)
    else if (key === 'tmpfs-mode' && value !== undefined && /^[0-7]{3,4}$/.test(value)) tmpfs.push(`mode=${value}`)
    else if (key === 'tmpfs-size' || key === 'tmpfs-mode') throw invalidArgument(`invalid value ${JSON.stringify(value ?? '')} for --mount option ${key} in ${JSON.stringify(arg)}`)
    else if (!MOUNT_NO_OPS.includes(key)) throw invalidArgument(`unsupported --mount option ${JSON.stringify(key)} in ${JSON.stringify(arg)}`)
  }
  if (type === undefined) throw invalidArgument(`invalid --mount ${JSON.stringify(arg)}: type must be given (volume, bind or tmpfs)`)
  if (destination === undefined || destination === '') throw invalidArgument(`invalid --mount ${JSON.stringify(arg)}: destination (dst, target) is required`)
  const dst = validateDestination(destination)
  if (type === 'volume') {
    if (source === undefined || source === '') return { kind: 'anonymous', destination: dst, readOnly }
    return { kind: 'named', name: validateName(source, 'volume names'), destination: dst, readOnly }
  }
  if (type === 'bind') {
    if (source === undefined || !source.startsWith('/')) throw invalidArgument(`invalid --mount ${JSON.stringify(arg)}: a bind mount needs an absolute source path`)
    if (source.split('/').includes('..')) throw invalidArgument(`invalid host path ${JSON.stringify(source)}: must not contain ".."`)
    if (!fs.existsSync(source)) throw invalidArgument(`statfs ${source}: no such file or directory`)
    return { kind: 'bind', source: path.resolve(source), destination: dst, readOnly }
  }
  if (type === 'tmpfs') {
    if (source !== undefined) throw invalidArgument(`invalid --mount ${JSON.stringify(arg)}: a tmpfs mount takes no source`)
    return { kind: 'tmpfs', destination: dst, readOnly, options: [readOnly ? 'ro' : 'rw', ...tmpfs, 'nosuid', 'nodev', 'noexec'] }
  }
  throw invalidArgument(`--mount type=${type} is not supported by podctl: use type=volume, type=bind or type=tmpfs`)
}
