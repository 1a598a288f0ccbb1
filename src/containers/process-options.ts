import fs from 'node:fs'
import path from 'node:path'

import { invalidArgument } from '../errors.js'
import { isValidName } from '../ids.js'
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../runtime/oci-spec.js'

// node:net is loaded on the first address check, not by every command that imports this
// file (ps, inspect, --help): compiling it costs about 6 ms.
const isIP = (s: string): number => process.getBuiltinModule('node:net').isIP(s)

// The container's process and filesystem settings that create records and start turns
// into the OCI spec: parsed and validated here, at the edge, with Podman's messages.
// Every field is plain JSON (it lives in the row's config column).
export interface ProcessOptions {
  // -u as given ("name", "uid", "name:group", "uid:gid"); resolved at start through the
  // container's /etc/passwd and /etc/group.
  user?: string
  workdir?: string
  capAdd: string[]
  capDrop: string[]
  privileged: boolean
  readOnly: boolean
  init: boolean
  tmpfs: TmpfsMount[]
  ulimits: Ulimit[]
  addHosts: HostEntry[]
  dns: string[]
  dnsSearch: string[]
  dnsOptions: string[]
  restart: RestartPolicy
  entrypoint?: string[]
  networkAliases: string[]
  // -t: the process gets a pty (terminal: true in the spec).
  tty: boolean
}

// One CNI network's options (--network NAME:ip=…,alias=…; --network-alias adds aliases).
export interface NetworkOptions { ip?: string, aliases: string[] }

export interface TmpfsMount { destination: string, options: string[] }
export interface Ulimit { type: string, soft: number, hard: number }
export interface HostEntry { host: string, ip: string }
export interface RestartPolicy { name: '' | 'no' | 'always' | 'on-failure' | 'unless-stopped', maximumRetryCount: number }

export interface ProcessOptionsInput {
  user?: string
  workdir?: string
  capAdd?: string[]
  capDrop?: string[]
  privileged?: boolean
  readOnly?: boolean
  init?: boolean
  tmpfs?: string[]
  ulimits?: string[]
  addHosts?: string[]
  dns?: string[]
  dnsSearch?: string[]
  dnsOptions?: string[]
  restart?: string
  // --entrypoint as given: a JSON array, or one string (the whole entrypoint, as in Podman).
  entrypoint?: string
  networkAliases?: string[]
  tty?: boolean
}

export function parseProcessOptions (i: ProcessOptionsInput): ProcessOptions {
  const o: ProcessOptions = {
    capAdd: (i.capAdd ?? []).flatMap(c => c.split(',')).filter(Boolean).map(c => normalizeCapability(c, '--cap-add')),
    capDrop: (i.capDrop ?? []).flatMap(c => c.split(',')).filter(Boolean).map(c => normalizeCapability(c, '--cap-drop')),
    privileged: i.privileged === true,
    readOnly: i.readOnly === true,
    init: i.init === true,
    tmpfs: (i.tmpfs ?? []).map(parseTmpfs),
    ulimits: (i.ulimits ?? []).map(parseUlimit),
    addHosts: (i.addHosts ?? []).map(parseAddHost),
    dns: (i.dns ?? []).flatMap(d => d.split(',')).filter(Boolean).map(parseDnsServer),
    dnsSearch: (i.dnsSearch ?? []).flatMap(d => d.split(',')).filter(Boolean).map(parseDnsSearch),
    dnsOptions: (i.dnsOptions ?? []).filter(Boolean).map(parseDnsOption),
    restart: parseRestart(i.restart),
    networkAliases: (i.networkAliases ?? []).flatMap(a => a.split(',')).filter(Boolean).map(a => parseAlias(a, '--network-alias')),
    tty: i.tty === true,
  }
  if (i.user !== undefined) o.user = parseUser(i.user)
  if (i.workdir !== undefined) o.workdir = parseWorkdir(i.workdir)
  if (i.entrypoint !== undefined) o.entrypoint = parseEntrypoint(i.entrypoint)
  return o
}

// "ALL", "NET_ADMIN", "cap_net_admin" → CAP_NET_ADMIN; unknown names are refused.
export function normalizeCapability (raw: string, flag: string): string {
  const up = raw.trim().toUpperCase()
  if (up === 'ALL') return 'ALL'
  const name = up.startsWith('CAP_') ? up : `CAP_${up}`
  if (!ALL_CAPABILITIES.includes(name)) throw invalidArgument(`${flag}: unknown capability "${raw}": invalid argument`)
  return name
}

// The capability set: Podman's defaults, minus --cap-drop, plus --cap-add (ALL on either side
// means every capability podctl itself holds, `bounding`); --privileged: all of those.
export function capabilitySet (o: Pick<ProcessOptions, 'capAdd' | 'capDrop' | 'privileged'>, bounding: readonly string[] = ALL_CAPABILITIES): string[] {
  if (o.privileged || o.capAdd.includes('ALL')) return o.capDrop.includes('ALL') ? [] : bounding.filter(c => !o.capDrop.includes(c))
  const base = o.capDrop.includes('ALL') ? [] : DEFAULT_CAPABILITIES.filter(c => !o.capDrop.includes(c))
  return [...base, ...o.capAdd.filter(c => !base.includes(c))]
}

const TMPFS_OPTION = /^(ro|rw|size=\d+[kmgKMG%]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+|nr_inodes=\d+[kmgKMG]?|noexec|exec|nosuid|suid|nodev|dev|noatime|atime|relatime|strictatime|nodiratime|tmpcopyup|notmpcopyup)$/

// --tmpfs /path[:opt,opt…]
export function parseTmpfs (raw: string): TmpfsMount {
  const colon = raw.indexOf(':')
  const destination = colon < 0 ? raw : raw.slice(0, colon)
  const opts = colon < 0 ? [] : raw.slice(colon + 1).split(',').filter(Boolean)
  checkDestination(destination, '--tmpfs')
  for (const op of opts) if (!TMPFS_OPTION.test(op)) throw invalidArgument(`--tmpfs ${raw}: unknown tmpfs option "${op}": invalid argument`)
  const options = opts.filter(op => op !== 'tmpcopyup' && op !== 'notmpcopyup')
  const has = (prefix: string): boolean => options.some(op => op.startsWith(prefix))
  return { destination, options: [...options, ...(has('noexec') || has('exec') ? [] : ['noexec']), ...(has('nosuid') || has('suid') ? [] : ['nosuid']), ...(has('nodev') || has('dev') ? [] : ['nodev'])] }
}

export function checkDestination (d: string, flag: string): void {
  if (!path.isAbsolute(d)) throw invalidArgument(`${flag}: invalid container path "${d}", must be an absolute path`)
  if (d.split('/').includes('..')) throw invalidArgument(`${flag}: invalid container path "${d}": ".." is not allowed`)
  if (d.includes('\0')) throw invalidArgument(`${flag}: invalid container path: NUL byte`)
}

export const ULIMIT_TYPES: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS', memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE', nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS',
  rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME', sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
}

// --ulimit type=soft[:hard]; -1 is unlimited.
export function parseUlimit (raw: string): Ulimit {
  const m = /^([a-z]+)=(-1|\d+)(?::(-1|\d+))?$/.exec(raw)
  if (m === null) throw invalidArgument(`--ulimit ${raw}: invalid ulimit argument, must be type=soft[:hard]`)
  const type = ULIMIT_TYPES[m[1]!]
  if (type === undefined) throw invalidArgument(`--ulimit ${raw}: invalid ulimit type: ${m[1]!}`)
  const num = (s: string): number => s === '-1' ? 2 ** 64 - 1 : Number(s)
  const soft = num(m[2]!)
  const hard = m[3] === undefined ? soft : num(m[3])
  if (!Number.isSafeInteger(soft) && soft !== 2 ** 64 - 1) throw invalidArgument(`--ulimit ${raw}: value out of range`)
  if (soft > hard) throw invalidArgument(`--ulimit ${raw}: ulimit soft limit must be less than or equal to hard limit: ${m[2]!} > ${m[3] ?? m[2]!}`)
  return { type, soft, hard }
}

// --add-host host:ip (the IP may be IPv6; Podman splits at the first colon).
export function parseAddHost (raw: string): HostEntry {
  const colon = raw.indexOf(':')
  const host = colon < 0 ? '' : raw.slice(0, colon)
  const ip = colon < 0 ? '' : raw.slice(colon + 1).replace(/^\[(.*)\]$/, '$1')
  if (host === '' || !/^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/.test(host)) throw invalidArgument(`invalid add-host "${raw}": invalid hostname`)
  if (isIP(ip) === 0) throw invalidArgument(`invalid IP address in add-host: "${ip}"`)
  return { host, ip }
}

function parseDnsServer (raw: string): string {
  if (raw === 'none') return raw
  if (isIP(raw) === 0) throw invalidArgument(`${raw} is not an ip address`)
  return raw
}

function parseDnsSearch (raw: string): string {
  if (raw !== '.' && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?\.?$/.test(raw)) throw invalidArgument(`invalid --dns-search domain "${raw}"`)
  return raw
}

function parseDnsOption (raw: string): string {
  if (!/^[a-zA-Z0-9_-]+(:\d+)?$/.test(raw)) throw invalidArgument(`invalid --dns-option "${raw}"`)
  return raw
}

export function parseRestart (raw: string | undefined): RestartPolicy {
  if (raw === undefined || raw === '') return { name: '', maximumRetryCount: 0 }
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(raw)
  if (m === null) throw invalidArgument(`invalid restart policy: ${raw}: invalid argument`)
  if (m[2] !== undefined && m[1] !== 'on-failure') throw invalidArgument(`restart policy retries can only be specified with on-failure restart policy: invalid argument`)
  return { name: m[1] as RestartPolicy['name'], maximumRetryCount: m[2] === undefined ? 0 : Number(m[2]) }
}

const USER_PART = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*\$?$/

export function parseUser (raw: string): string {
  const [u, g, ...rest] = raw.split(':')
  if (rest.length > 0 || u === undefined || !USER_PART.test(u) || (g !== undefined && !USER_PART.test(g))) throw invalidArgument(`invalid user "${raw}": must be user[:group] (names or numeric IDs)`)
  return raw
}

export function parseWorkdir (raw: string): string {
  checkDestination(raw, '--workdir')
  return path.posix.normalize(raw)
}

export function parseEntrypoint (raw: string): string[] {
  const t = raw.trim()
  if (t.startsWith('[')) {
    let v: unknown
    try {
      v = JSON.parse(t)
    } catch {
      throw invalidArgument(`invalid --entrypoint ${raw}: not a JSON array of strings`)
    }
    if (!Array.isArray(v) || !v.every(x => typeof x === 'string')) throw invalidArgument(`invalid --entrypoint ${raw}: not a JSON array of strings`)
    return v
  }
  return raw === '' ? [] : [raw]
}

export function parseAlias (raw: string, flag: string): string {
  if (!isValidName(raw) || raw.length > 63) throw invalidArgument(`${flag} ${raw}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`)
  return raw
}

// --env-file: KEY=VALUE lines; a bare KEY takes the host's value (dropped when unset);
// blank lines and # comments are skipped, as in Podman.
export function readEnvFile (file: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw invalidArgument(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`)
  }
  const out: string[] = []
  for (const [n, line] of text.split('\n').entries()) {
    const l = line.replace(/\r$/, '').replace(/^\s+/, '')
    if (l === '' || l.startsWith('#')) continue
    const eq = l.indexOf('=')
    const key = eq < 0 ? l.trimEnd() : l.slice(0, eq)
    if (key === '' || /\s/.test(key)) throw invalidArgument(`${file}:${n + 1}: invalid environment variable "${l}"`)
    if (eq >= 0) out.push(`${key}=${l.slice(eq + 1)}`)
    else if (env[key] !== undefined) out.push(`${key}=${env[key]}`)
  }
  return out
}

export function emptyProcessOptions (): ProcessOptions {
  return parseProcessOptions({})
}

// Reads the options back from a row's config column (older rows: all defaults).
export function processOptionsFrom (raw: unknown): ProcessOptions {
  const d = emptyProcessOptions()
  if (typeof raw !== 'object' || raw === null) return d
  const r = raw as Partial<ProcessOptions>
  const strs = (v: unknown): string[] => Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  return {
    ...(typeof r.user === 'string' ? { user: r.user } : {}),
    ...(typeof r.workdir === 'string' ? { workdir: r.workdir } : {}),
    ...(Array.isArray(r.entrypoint) ? { entrypoint: strs(r.entrypoint) } : {}),
    capAdd: strs(r.capAdd), capDrop: strs(r.capDrop), privileged: r.privileged === true, readOnly: r.readOnly === true, init: r.init === true,
    tmpfs: Array.isArray(r.tmpfs) ? r.tmpfs.filter(t => typeof t?.destination === 'string').map(t => ({ destination: t.destination, options: strs(t.options) })) : [],
    ulimits: Array.isArray(r.ulimits) ? r.ulimits.filter(u => typeof u?.type === 'string' && typeof u.soft === 'number' && typeof u.hard === 'number') : [],
    addHosts: Array.isArray(r.addHosts) ? r.addHosts.filter(h => typeof h?.host === 'string' && typeof h.ip === 'string') : [],
    dns: strs(r.dns), dnsSearch: strs(r.dnsSearch), dnsOptions: strs(r.dnsOptions),
    restart: typeof r.restart?.name === 'string' ? { name: r.restart.name, maximumRetryCount: Number(r.restart.maximumRetryCount) || 0 } : d.restart,
    networkAliases: strs(r.networkAliases),
    tty: r.tty === true,
  }
}
