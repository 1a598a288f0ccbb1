import fs from 'node:fs'

import { refreshContainerStates } from '../../containers/refresh-state.js'
import { startContainer } from '../../containers/start-container.js'
import { waitForExit } from '../../containers/stop-container.js'
import { createContainerWithPod } from '../../pods/create-in-pod.js'
import { paths } from '../../storage/paths.js'
import { getContainer } from '../../state/container-rows.js'
import type { Args, CommandResult, PodctlCommand } from '../command.js'
import type { CommandContext } from '../context.js'
import { CREATE_FLAGS, createFailed, HelpRequested, parseCreateCommand, renderCreateHelp, withFlags } from './create.js'

const RUN_FLAGS = [...CREATE_FLAGS, { name: 'detach', alias: ['d'], type: 'boolean' as const, describe: 'Run container in background and print container ID' }]

async function run (ctx: CommandContext, argv: Args): Promise<CommandResult> {
  const { args, options } = parseCreateCommand(ctx, argv, 'run', RUN_FLAGS)
  let c
  try {
    c = await createContainerWithPod(ctx, options)
  } catch (err) {
    return createFailed(err)
  }
  try {
    c = await startContainer(ctx, c)
  } catch (err) {
    return { errors: [err], exitCode: 126 }
  }
  if (args['detach'] === true) return { stdout: `${c.id}\n` }
  // Attached: wait for the process, then print what it wrote (its stdio went to ctr.log).
  if (c.pid !== null) await waitForExit(c.pid, undefined, Number.MAX_SAFE_INTEGER, ctx.signal)
  await refreshContainerStates(ctx, [c])
  const log = paths.containerLog(ctx.config, c.id)
  const out = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''
  return { stdout: out, exitCode: getContainer(ctx.store, c.id)?.exitCode ?? 0 }
}

export const runCommand: PodctlCommand = {
  command: 'run [image] [command..]',
  describe: 'Run a command in a new container',
  examples: [['podctl run -d --name web busybox sleep 1000', 'start a detached container'], ['podctl run busybox echo hi', 'run, wait, print its output']],
  builder: y => withFlags(y, RUN_FLAGS),
  async run (ctx, argv) {
    let inner: CommandContext | undefined
    try {
      const parsed = parseCreateCommand(ctx, argv, 'run', RUN_FLAGS)
      inner = parsed.ctx
      return await run(inner, argv)
    } catch (err) {
      if (err instanceof HelpRequested) return { stdout: renderCreateHelp('run', runCommand.describe, RUN_FLAGS) }
      return createFailed(err)
    } finally {
      if (inner !== undefined && inner !== ctx) inner[Symbol.dispose]()
    }
  },
}
