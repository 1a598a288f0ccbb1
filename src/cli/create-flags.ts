import type { Argv } from 'yargs'
import { Parser } from 'yargs/helpers'

import { createLogger, GLOBAL_OPTIONS, invalidArgument, parseLabels, parseTimeout, resolveConfig } from '../index.js'
import type { CreateContainerOptions } from '../index.js'
import type { Args, CommandResult } from './command.js'
import { CommandContext } from './context.js'

interface Flag { name: string, alias?: string[], type: 'string' | 'boolean', array?: boolean, describe: string }

// The flags create and run share (Podman's names).
export const CREATE_FLAGS: Flag[] = [
  { name: 'name', type: 'string', describe: 'Assign a name to the container' },
  { name: 'label', alias: ['l'], type: 'string', array: true, describe: 'Set metadata on a container (key=value)' },
  { name: 'env', alias: ['e'], type: 'string', array: true, describe: 'Set environment variables in container' },
  { name: 'stop-signal', type: 'string', describe: 'Signal to stop a container. Default is SIGTERM' },
  { name: 'stop-timeout', type: 'string', describe: 'Timeout (in seconds) that containers stopped by user command have to exit. Default is 10' },
  { name: 'cidfile', type: 'string', describe: 'Write the container ID to the file' },
  { name: 'pod', type: 'string', describe: 'Run container in an existing pod, or new:NAME to create one' },
  { name: 'network', alias: ['net'], type: 'string', array: true, describe: 'Connect a container to a network: none, host, container:<name|id>, NAME[:alias=A,ip=IP] (repeatable)' },
  { name: 'network-alias', type: 'string', array: true, describe: 'Add a network-scoped alias for the container' },
  { name: 'hostname', type: 'string', describe: 'Set container hostname' },
  { name: 'add-host', type: 'string', array: true, describe: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'dns', type: 'string', array: true, describe: 'Set custom DNS servers' },
  { name: 'dns-search', type: 'string', array: true, describe: 'Set custom DNS search domains' },
  { name: 'dns-option', type: 'string', array: true, describe: 'Set custom DNS options' },
  { name: 'workdir', alias: ['w'], type: 'string', describe: 'Working directory inside the container' },
  { name: 'user', alias: ['u'], type: 'string', describe: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'entrypoint', type: 'string', describe: 'Overwrite the default ENTRYPOINT of the image (a string or a JSON array)' },
  { name: 'env-file', type: 'string', array: true, describe: 'Read in a file of environment variables' },
  { name: 'restart', type: 'string', describe: 'Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped); recorded, see README' },
  { name: 'tmpfs', type: 'string', array: true, describe: 'Mount a temporary filesystem (tmpfs) into a container (/path[:options])' },
  { name: 'read-only', type: 'boolean', describe: "Make container root filesystem read-only" },
  { name: 'cap-add', type: 'string', array: true, describe: 'Add capabilities to the container' },
  { name: 'cap-drop', type: 'string', array: true, describe: 'Drop capabilities from the container' },
  { name: 'privileged', type: 'boolean', describe: 'Give extended privileges to container' },
  { name: 'init', type: 'boolean', describe: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'ulimit', type: 'string', array: true, describe: 'Ulimit options (type=soft[:hard])' },
  { name: 'ipc', type: 'string', describe: 'IPC namespace to use: host, private, container:<name|id>' },
  { name: 'pid', type: 'string', describe: 'PID namespace to use: host, private, container:<name|id>' },
  { name: 'uts', type: 'string', describe: 'UTS namespace to use: host, private, container:<name|id>' },
  { name: 'requires', type: 'string', array: true, describe: 'Containers that must be started before this one (comma separated)' },
  { name: 'volume', alias: ['v'], type: 'string', array: true, describe: 'Bind mount a volume: /path, name:/path or /host:/path[:ro]' },
  { name: 'mount', type: 'string', array: true, describe: 'Attach a filesystem mount: type=volume|bind,source=…,destination=…[,ro]' },
  { name: 'volumes-from', type: 'string', array: true, describe: 'Mount volumes from the specified container(s)' },
  { name: 'rm', type: 'boolean', describe: 'Remove container and any anonymous volumes after exit' },
  { name: 'tty', alias: ['t'], type: 'boolean', describe: 'Allocate a pseudo-TTY for container' },
  // Published ports (#16).
  { name: 'publish', alias: ['p'], type: 'string', array: true, describe: 'Publish a container\'s port to the host: [ip:]hostPort:containerPort[/tcp|udp]' },
]

export function withFlags (y: Argv, flags: Flag[]): Argv {
  // Everything after the image belongs to the container's command, as in Podman: halt at the
  // first non-option; the real parse happens in reparseArgs.
  let b = y.parserConfiguration({ 'halt-at-non-option': true, 'greedy-arrays': false })
  for (const f of flags) b = b.option(f.name, { type: f.type, describe: f.describe, ...(f.alias === undefined ? {} : { alias: f.alias }), ...(f.array === true ? { array: true } : {}) })
  return b
}

// yargs re-parses a command's args from the command word on when halting at non-options, so
// the args land unparsed in argv._; parse them here: options up to the image, then the command.
export function reparseArgs (argv: Args, word: string, flags: Flag[]): { args: Args, positionals: string[] } {
  const words = argv._.map(String)
  // argv._ holds the command path (e.g. "container create") twice, then the raw args.
  const k = words.indexOf(word) + 1
  const repeated = words.slice(k, 2 * k).join(' ') === words.slice(0, k).join(' ')
  const at = repeated ? 2 * k : k
  const all: Flag[] = [...flags, { name: 'help', alias: ['h'], type: 'boolean', describe: '' }, ...GLOBAL_OPTIONS.map(g => ({ name: g.flag, type: 'string' as const, describe: '' }))]
  const parsed = Parser(pflagBooleans(words.slice(at), all), {
    configuration: { 'halt-at-non-option': true, 'greedy-arrays': false, 'camel-case-expansion': false, 'strip-aliased': true, 'boolean-negation': false },
    boolean: all.filter(f => f.type === 'boolean').map(f => f.name),
    string: all.filter(f => f.type === 'string').map(f => f.name),
    array: all.filter(f => f.array === true).map(f => f.name),
    alias: Object.fromEntries(all.filter(f => f.alias !== undefined).map(f => [f.name, f.alias!])),
  })
  const known = new Set(['_', '--', ...all.map(f => f.name)])
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw invalidArgument(`unknown flag: ${key.length === 1 ? '-' : '--'}${key}\nSee 'podctl ${word} --help'`)
  }
  const positionals = [...parsed._.map(String), ...((parsed['--'] as unknown[] | undefined) ?? []).map(String)]
  const args: Args = { ...argv, ...parsed, _: words.slice(0, k) }
  for (const g of GLOBAL_OPTIONS) if (args[g.flag] === undefined) delete args[g.flag]
  return { args, positionals }
}

// Like pflag, a boolean flag never takes the next word as its value (yargs-parser would
// read `exec -l true` as --latest=true with no command): each boolean flag before the first
// positional is rewritten to --name=true; a value stays only in its own word (--rm=false).
function pflagBooleans (words: string[], flags: Flag[]): string[] {
  const byName = new Map<string, Flag>()
  for (const f of flags) for (const n of [f.name, ...(f.alias ?? [])]) byName.set(n, f)
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (w === '--' || !w.startsWith('-') || w === '-') return [...out, ...words.slice(i)]
    if (w.startsWith('--')) {
      const f = byName.get(w.slice(2))
      out.push(f?.type === 'boolean' ? `--${f.name}=true` : w)
      if (f !== undefined && f.type !== 'boolean' && !w.includes('=') && i + 1 < words.length) out.push(words[++i]!)
      continue
    }
    // A short cluster: booleans expand; a value flag takes the rest of the word or the next.
    const expanded: string[] = []
    let takesNext = false
    for (let j = 1; j < w.length; j++) {
      const f = byName.get(w[j]!)
      if (f?.type === 'boolean' && w[j + 1] !== '=') { expanded.push(`--${f.name}=true`); continue }
      if (f === undefined || f.type === 'boolean') {
        expanded.push(`-${w.slice(j)}`)
      } else if (j === w.length - 1) {
        expanded.push(`--${f.name}`)
        takesNext = true
      } else {
        // pflag: -eA=1 and -e=A=1 both give -e the value A=1.
        expanded.push(`--${f.name}=${w.slice(w[j + 1] === '=' ? j + 2 : j + 1)}`)
      }
      break
    }
    out.push(...expanded)
    if (takesNext && i + 1 < words.length) out.push(words[++i]!)
  }
  return out
}

// A context honouring global flags given after the command word (yargs did not see them).
export function contextFor (ctx: CommandContext, args: Args): CommandContext {
  if (!GLOBAL_OPTIONS.some(g => args[g.flag] !== undefined)) return ctx
  const raw: Record<string, unknown> = {}
  for (const g of GLOBAL_OPTIONS) {
    const v = ctx.config[g.key]
    raw[g.flag] = args[g.flag] ?? (Array.isArray(v) ? v.join(':') : v)
  }
  const config = resolveConfig(raw)
  return new CommandContext({ config, log: createLogger(config.logLevel), progress: ctx.progress, signal: ctx.signal })
}

const strings = (v: unknown): string[] => v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String)
const optional = (v: unknown): string | undefined => v === undefined ? undefined : String(v)

export function toCreateOptions (argv: Args, positionals: string[]): CreateContainerOptions {
  const [image, ...command] = positionals
  if (image === undefined || image === '') throw invalidArgument('requires at least 1 arg(s), only received 0')
  const o: CreateContainerOptions = {
    image,
    command,
    labels: parseLabels(strings(argv['label'])),
    requires: strings(argv['requires']),
    volumes: strings(argv['volume']),
    mounts: strings(argv['mount']),
    volumesFrom: strings(argv['volumes-from']),
    autoRemove: argv['rm'] === true,
    env: strings(argv['env']),
    envFiles: strings(argv['env-file']),
    networks: strings(argv['network']),
    process: {
      capAdd: strings(argv['cap-add']), capDrop: strings(argv['cap-drop']), tmpfs: strings(argv['tmpfs']), ulimits: strings(argv['ulimit']),
      addHosts: strings(argv['add-host']), dns: strings(argv['dns']), dnsSearch: strings(argv['dns-search']), dnsOptions: strings(argv['dns-option']),
      networkAliases: strings(argv['network-alias']),
      privileged: argv['privileged'] === true, readOnly: argv['read-only'] === true, init: argv['init'] === true, tty: argv['tty'] === true,
      ...(argv['user'] === undefined ? {} : { user: String(argv['user']) }),
      ...(argv['workdir'] === undefined ? {} : { workdir: String(argv['workdir']) }),
      ...(argv['entrypoint'] === undefined ? {} : { entrypoint: String(argv['entrypoint']) }),
      ...(argv['restart'] === undefined ? {} : { restart: String(argv['restart']) }),
    },
  }
  const set = <K extends keyof CreateContainerOptions>(k: K, v: CreateContainerOptions[K] | undefined): void => { if (v !== undefined) o[k] = v }
  set('name', optional(argv['name']))
  set('stopSignal', optional(argv['stop-signal']))
  if (argv['stop-timeout'] !== undefined) o.stopTimeout = parseTimeout(argv['stop-timeout'], '--stop-timeout')
  set('cidfile', optional(argv['cidfile']))
  set('pod', optional(argv['pod']))
  set('hostname', optional(argv['hostname']))
  set('ipc', optional(argv['ipc']))
  set('pid', optional(argv['pid']))
  set('uts', optional(argv['uts']))
  if (argv['publish'] !== undefined) o.publish = strings(argv['publish'])
  return o
}

// The --help text (yargs does not see the flags when halting at the first non-option).
export function renderCreateHelp (word: string, describe: string, flags: Flag[]): string {
  const lines = flags.map(f => `  ${[...(f.alias ?? []).map(a => a.length === 1 ? `-${a}` : `--${a}`), `--${f.name}`].join(', ')}${f.type === 'string' ? ' string' : ''}`)
  const width = Math.max(...lines.map(l => l.length)) + 2
  return `${describe}\n\nUsage: podctl ${word} [options] IMAGE [COMMAND [ARG...]]\n\nOptions:\n` +
    flags.map((f, i) => `${lines[i]!.padEnd(width)}${f.describe}`).join('\n') + '\n'
}

export class HelpRequested extends Error {}

// Parses create/run args; returns the context to use (it may carry late global flags).
export function parseCreateCommand (ctx: CommandContext, argv: Args, word: string, flags: Flag[]): { ctx: CommandContext, args: Args, options: CreateContainerOptions } {
  const { args, positionals } = reparseArgs(argv, word, flags)
  if (args['help'] === true) throw new HelpRequested()
  const options = toCreateOptions(args, positionals)
  return { ctx: contextFor(ctx, args), args, options }
}

// Podman's create/run exit with 125 for any error of their own.
export function createFailed (err: unknown): CommandResult {
  return { errors: [err], exitPolicy: 'any-error' }
}

