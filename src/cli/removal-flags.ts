import { invalidArgument } from '../index.js'
import type { Args } from './command.js'
import { wantsJson } from './command.js'

// Podman's CheckAllLatestAndIDFile, in its order; every failure exits 125.
export function checkAllLatestAndIdFile (args: readonly string[], o: { all: boolean, latest: boolean, idFiles: readonly string[], idFileFlag: string, filterGiven?: boolean }): void {
  if (o.filterGiven === true) {
    if (args.length > 0) throw invalidArgument('--filter takes no arguments')
    return
  }
  const idFile = o.idFiles.length > 0
  if (idFile && (o.all || o.latest)) throw invalidArgument(`--all, --latest, and --${o.idFileFlag} cannot be used together`)
  if (o.all && o.latest) throw invalidArgument('--all and --latest cannot be used together')
  if (args.length > 0 && o.all) throw invalidArgument('no arguments are needed with --all')
  if (args.length > 0 && o.latest) throw invalidArgument('--latest and containers cannot be used together')
  if (args.length > 0 && idFile) throw invalidArgument(`no arguments are needed with --latest or --${o.idFileFlag}`)
  if (idFile) return
  if (args.length === 0 && !o.all && !o.latest) throw invalidArgument('you must provide at least one name or id')
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

// -t/--time of stop, rm, pod stop and pod rm: a 64-bit integer (pflag's wording otherwise).
// Negative means wait for the stop signal forever, never SIGKILL (Podman: "Use -1 for
// infinite wait"; any negative does the same there), returned as Infinity. undefined: not given.
export function parseTimeFlag (v: unknown): number | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  const fail = (why: string): never => { throw invalidArgument(`invalid argument "${s}" for "-t, --time" flag: strconv.ParseInt: parsing "${s}": ${why}`) }
  if (!/^[+-]?\d+$/.test(s)) fail('invalid syntax')
  const n = BigInt(s)
  if (n < INT64_MIN || n > INT64_MAX) fail('value out of range')
  return n < 0n ? Number.POSITIVE_INFINITY : Number(n)
}

export function parseMaxWorkers (v: unknown): number | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  if (!/^\d+$/.test(s) || Number(s) < 1) throw invalidArgument(`invalid argument "${s}" for "--max-workers" flag: must be a positive integer`)
  return Number(s)
}

export function strings (v: unknown): string[] {
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

export const REMOVE_COMMON_OPTIONS = {
  dryRun: { type: 'boolean', default: false, describe: 'Print the removal plan in waves and remove nothing' },
  maxWorkers: { type: 'string', describe: 'How many containers to remove at once (default: 4 per core, at least 4)' },
} as const

export interface RemovalFlags {
  refs: string[]
  idFiles: string[]
  all: boolean
  latest: boolean
  force: boolean
  // -f implies -i.
  ignore: boolean
  // Infinity for a negative -t; undefined: each container's own stop timeout.
  timeoutSec?: number
  maxWorkers?: number
  json: boolean
}

// The flags rm and pod rm share, checked in Podman's order before anything is read or
// touched. refsKey: the positional ('containers', 'pods'); idFileFlag: 'cidfile', 'pod-id-file'.
export function parseRemovalFlags (argv: Args, o: { refsKey: string, idFileFlag: string, filterGiven?: boolean }): RemovalFlags {
  const refs = strings(argv[o.refsKey])
  const idFiles = strings(argv[o.idFileFlag])
  const all = argv['all'] === true
  const latest = argv['latest'] === true
  const force = argv['force'] === true
  const timeoutSec = parseTimeFlag(argv['time'])
  const maxWorkers = parseMaxWorkers(argv['max-workers'])
  const json = wantsJson(argv)
  if (argv['format'] !== undefined && !json) throw invalidArgument(`unsupported --format ${JSON.stringify(argv['format'])}: use json`)
  checkAllLatestAndIdFile(refs, { all, latest, idFiles, idFileFlag: o.idFileFlag, ...(o.filterGiven === undefined ? {} : { filterGiven: o.filterGiven }) })
  if (timeoutSec !== undefined && !force) throw invalidArgument('--force option must be specified to use the --time option')
  return {
    refs, idFiles, all, latest, force, ignore: force || argv['ignore'] === true, json,
    ...(timeoutSec === undefined ? {} : { timeoutSec }),
    ...(maxWorkers === undefined ? {} : { maxWorkers }),
  }
}
