import { PodctlError } from '../errors.js'
import type { ContainerId } from '../ids.js'
import { createHostBackend, removeContainers } from '../removal/index.js'
import type { CommandContext } from './context.js'

// `network rm -f`, `volume rm -f`, `image rm -f`: the containers using the object (and what
// depends on them) go through the removal engine first, as in Podman. Any container that
// cannot be removed keeps the object: the error names it.
export async function removeUsingContainers (ctx: CommandContext, ids: readonly string[], what: string, timeoutSec?: number): Promise<void> {
  if (ids.length === 0) return
  const report = await removeContainers(ctx, {
    mode: 'rm', targets: ids.map(id => ({ id: id as ContainerId })), force: true, depend: true, volumes: false,
  }, { backend: (ctx.removalBackend ?? createHostBackend)(ctx), ...(timeoutSec === undefined ? {} : { timeoutSec }) })
  const failed = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error.message] : [])
  if (failed.length > 0) throw new PodctlError('IN_USE', `removing the containers of ${what}: ${failed.join('; ')}`)
}
