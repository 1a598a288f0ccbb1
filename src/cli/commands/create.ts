import type { PodctlCommand } from '../command.js'
import type { CommandContext } from '../context.js'
import { createContainerWithPod } from '../../index.js'
import { CREATE_FLAGS, createFailed, HelpRequested, parseCreateCommand, renderCreateHelp, withFlags } from '../create-flags.js'

export const createCommand: PodctlCommand = {
  command: 'create [image] [command..]',
  describe: 'Create but do not start a container',
  examples: [['podctl create --name web -v data:/data busybox sleep 1000', 'a container with a named volume']],
  builder: y => withFlags(y, CREATE_FLAGS),
  async run (ctx, argv) {
    let c2: CommandContext | undefined
    try {
      const { ctx: c, options } = parseCreateCommand(ctx, argv, 'create', CREATE_FLAGS)
      c2 = c
      const created = await createContainerWithPod(c, options)
      return { stdout: `${created.id}\n` }
    } catch (err) {
      if (err instanceof HelpRequested) return { stdout: renderCreateHelp('create', createCommand.describe, CREATE_FLAGS) }
      return createFailed(err)
    } finally {
      if (c2 !== undefined && c2 !== ctx) c2[Symbol.dispose]()
    }
  },
}
