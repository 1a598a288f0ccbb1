import { StringDecoder } from 'node:string_decoder'

import { createContainerWithPod, createHostBackend, invalidArgument, removeAutoRemoved, runAttached, startContainer } from '../../index.js'
import type { ContainerRecord } from '../../index.js'
import type { Args, CommandResult, CommandStreams, PodctlCommand } from '../command.js'
import { streamsOf } from '../command.js'
import type { CommandContext } from '../context.js'
import { CREATE_FLAGS, createFailed, HelpRequested, parseCreateCommand, renderCreateHelp, withFlags } from '../create-flags.js'

const RUN_FLAGS = [
  ...CREATE_FLAGS,
  { name: 'detach', alias: ['d'], type: 'boolean' as const, describe: 'Run container in background and print container ID' },
  { name: 'interactive', alias: ['i'], type: 'boolean' as const, describe: 'Keep STDIN open even if not attached' },
  { name: 'sig-proxy', type: 'boolean' as const, describe: 'Proxy received signals to the process (default true)' },
]

// Podman's run exit codes: the container's status; 125 for podctl's own errors; 126/127
// when the runtime cannot invoke / cannot find the command.
const startFailed = (err: unknown): CommandResult => ({ errors: [err], exitPolicy: 'invoke' })

// An attached -t makes its pty through the runtime on podctl's own terminal.
function checkTerminal (word: string): void {
  if (process.stdin.isTTY !== true) throw invalidArgument(`${word} -t/--tty: the input device is not a TTY (podctl's -t uses the terminal it runs in); run without -t, or detached with -d`)
}

async function autoRemove (ctx: CommandContext, c: ContainerRecord): Promise<void> {
  if (c.autoRemove) await removeAutoRemoved(ctx, [c.id], ctx.removalBackend ?? createHostBackend)
}

async function run (ctx: CommandContext, argv: Args, streams: CommandStreams): Promise<CommandResult> {
  const { args, options } = parseCreateCommand(ctx, argv, 'run', RUN_FLAGS)
  if (options.process?.tty === true && args['detach'] !== true) checkTerminal('run')
  let c: ContainerRecord
  try {
    c = await createContainerWithPod(ctx, options)
  } catch (err) {
    return createFailed(err)
  }
  if (args['detach'] === true) {
    try {
      c = await startContainer(ctx, c)
    } catch (err) {
      await autoRemove(ctx, c)
      return startFailed(err)
    }
    return { stdout: `${c.id}\n` }
  }
  const out = new StringDecoder('utf8')
  const err = new StringDecoder('utf8')
  try {
    const status = await runAttached(ctx, c, {
      stdout: b => { streams.stdout(out.write(b)) },
      stderr: b => { streams.stderr(err.write(b)) },
      interactive: args['interactive'] === true,
      sigProxy: args['sig-proxy'] !== false,
    })
    return { exitCode: status }
  } catch (e) {
    return startFailed(e)
  } finally {
    const restOut = out.end(); const restErr = err.end()
    if (restOut !== '') streams.stdout(restOut)
    if (restErr !== '') streams.stderr(restErr)
    await autoRemove(ctx, c)
  }
}

export const runCommand: PodctlCommand = {
  command: 'run [image] [command..]',
  describe: 'Run a command in a new container',
  examples: [
    ['podctl run -d --name web busybox sleep 1000', 'start a detached container'],
    ['podctl run --rm busybox echo hi', 'run attached, stream its output, exit with its status, remove it'],
  ],
  builder: y => withFlags(y, RUN_FLAGS),
  async run (ctx, argv) {
    let inner: CommandContext | undefined
    try {
      const parsed = parseCreateCommand(ctx, argv, 'run', RUN_FLAGS)
      inner = parsed.ctx
      return await run(inner, argv, streamsOf(ctx))
    } catch (err) {
      if (err instanceof HelpRequested) return { stdout: renderCreateHelp('run', runCommand.describe, RUN_FLAGS) }
      return createFailed(err)
    } finally {
      if (inner !== undefined && inner !== ctx) inner[Symbol.dispose]()
    }
  },
}
