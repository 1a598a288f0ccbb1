import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument } from '../errors.js'
import { validateName } from '../ids.js'

// One -v argument: anonymous (/path), named (name:/path) or bind (/host:/path), [:ro|rw].
export type VolumeArg =
  | { kind: 'anonymous', destination: string, readOnly: boolean }
  | { kind: 'named', name: string, destination: string, readOnly: boolean }
  | { kind: 'bind', source: string, destination: string, readOnly: boolean }

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
