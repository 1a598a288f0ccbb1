import { StringDecoder } from 'node:string_decoder'

import { execInContainer, invalidArgument, observeContainers, selectContainers } from '../../index.js'
import type { ExecOptions } from '../../index.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import { streamsOf } from '../command.js'
import type { CommandContext } from '../context.js'
import { contextFor, HelpRequested, renderCreateHelp, reparseArgs, withFlags } from '../create-flags.js'

export const EXEC_FLAGS = [
  { name: 'interactive', alias: ['i'], type: 'boolean' as const, describe: 'Keep STDIN open even if not attached' },
  { name: 'tty', alias: ['t'], type: 'boolean' as const, describe: 'Allocate a pseudo-TTY' },
  { name: 'detach', alias: ['d'], type: 'boolean' as const, describe: 'Run the exec session in detached mode (backgrounded)' },
  { name: 'env', alias: ['e'], type: 'string' as const, array: true, describe: 'Set environment variables' },
  { name: 'env-file', type: 'string' as const, array: true, describe: 'Read in a file of environment variables' },
  { name: 'workdir', alias: ['w'], type: 'string' as const, describe: 'Working directory inside the container' },
  { name: 'user', alias: ['u'], type: 'string' as const, describe: 'Sets the username or UID used and optionally the groupname or GID for the specified command' },
  { name: 'latest', alias: ['l'], type: 'boolean' as const, describe: 'Act on the latest container podctl is aware of' },
]

const strings = (v: unknown): string[] => v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String)

// Podman's exec exit codes: the process's status; 125 for podctl's own errors; 126/127
// when the runtime cannot invoke / cannot find the command.
async function exec (ctx: CommandContext, args: Args, positionals: string[]): Promise<CommandResult> {
  if (args['tty'] === true && args['detach'] !== true && process.stdin.isTTY !== true) {
    throw invalidArgument('exec -t/--tty: the input device is not a TTY (podctl\'s -t uses the terminal it runs in); run without -t')
  }
  const latest = args['latest'] === true
  const [ref, ...command] = latest ? ['', ...positionals] : positionals
  if (!latest && (ref === undefined || ref === '')) throw invalidArgument('exec requires the name or ID of a container or the --latest flag')
  if (command.length === 0) throw invalidArgument('must provide a non-empty command to start an exec session: invalid argument')
  await observeContainers(ctx)
  const [target] = selectContainers(ctx, { refs: latest ? [] : [ref!], latest, onMissing: 'throw', wording: 'lookup' }).targets
  if (target === undefined) throw invalidArgument('no container to exec in')
  const o: ExecOptions = { command, env: strings(args['env']), envFiles: strings(args['env-file']), interactive: args['interactive'] === true, detach: args['detach'] === true, tty: args['tty'] === true }
  if (args['workdir'] !== undefined) o.workdir = String(args['workdir'])
  if (args['user'] !== undefined) o.user = String(args['user'])
  const streams = streamsOf(ctx)
  const out = new StringDecoder('utf8'); const err = new StringDecoder('utf8')
  try {
    const r = await execInContainer(ctx, target.record, o, { stdout: b => { streams.stdout(out.write(b)) }, stderr: b => { streams.stderr(err.write(b)) } })
    if (r.detached) return { stdout: `${r.sessionId}\n` }
    return { exitCode: r.exitCode }
  } finally {
    const restOut = out.end(); const restErr = err.end()
    if (restOut !== '') streams.stdout(restOut)
    if (restErr !== '') streams.stderr(restErr)
  }
}

export const execCommand: PodctlCommand = {
  command: 'exec [container] [command..]',
  describe: 'Run a process in a running container',
  examples: [['podctl exec web cat /etc/hostname', 'run a command in the container named web'], ['podctl exec -i -e A=1 -w /srv web sh', 'a shell reading stdin']],
  builder: y => withFlags(y, EXEC_FLAGS),
  async run (ctx, argv) {
    let inner: CommandContext | undefined
    try {
      const { args, positionals } = reparseArgs(argv, 'exec', EXEC_FLAGS)
      if (args['help'] === true) throw new HelpRequested()
      inner = contextFor(ctx, args)
      return await exec(inner, args, positionals)
    } catch (err) {
      if (err instanceof HelpRequested) return { stdout: renderCreateHelp('exec', execCommand.describe, EXEC_FLAGS).replace('IMAGE [COMMAND [ARG...]]', 'CONTAINER COMMAND [ARG...]') }
      return { errors: [err], exitPolicy: 'invoke' }
    } finally {
      if (inner !== undefined && inner !== ctx) inner[Symbol.dispose]()
    }
  },
}
