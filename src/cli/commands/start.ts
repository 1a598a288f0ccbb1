import { invalidArgument } from '../../errors.js'
import { observeContainers } from '../../containers/auto-remove.js'
import { startContainer } from '../../containers/start-container.js'
import { lookupContainer, noSuchContainer } from '../../state/container-rows.js'
import type { ContainerRecord } from '../../state/types.js'
import type { PodctlCommand } from '../command.js'
import { renderLines } from '../render.js'
import { latestContainer } from './stop.js'

export const startCommand: PodctlCommand = {
  command: 'start [containers..]',
  describe: 'Start one or more containers',
  examples: [['podctl start web', 'start a created or exited container']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = ((argv['containers'] as string[] | undefined) ?? []).map(String)
    // Podman's start validation, in its order and words.
    if (refs.length === 0 && argv['latest'] !== true) return { errors: [invalidArgument('start requires at least one argument')], exitCode: 125 }
    if (refs.length > 0 && argv['latest'] === true) return { errors: [invalidArgument('--latest and containers cannot be used together')], exitCode: 125 }
    await observeContainers(ctx)
    const targets: [string, ContainerRecord][] = []
    if (argv['latest'] === true) targets.push(...latestContainer(ctx))
    for (const r of refs) {
      const c = lookupContainer(ctx.store, r)
      if (c === undefined) return { errors: [noSuchContainer(r)], exitCode: 125 }
      targets.push([r, c])
    }
    const out: string[] = []
    const errors: unknown[] = []
    for (const [ref, c] of targets) {
      try {
        await startContainer(ctx, c)
        out.push(ref)
      } catch (err) {
        errors.push(err)
      }
    }
    return { stdout: renderLines(out), errors, ...(errors.length > 0 ? { exitCode: 125 } : {}) }
  },
}
