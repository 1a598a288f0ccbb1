import { PodctlError } from '../errors.js'
import type { ContainerId } from '../ids.js'
import { createHostBackend, removeContainers } from '../removal/index.js'
import type { CommandContext } from './context.js'

// `network rm -f`, `volume rm -f`, `image rm -f`: the containers using the object (and what
// depends on them) go through the removal engine first, as in Podman. Any container that
// cannot be removed keeps the object: the error names it.
export async function removeUsingContainers (ctx: CommandContext, ids: readonly string[], what: string): Promise<void> {
  if (ids.length === 0) return
  const report = await removeContainers(ctx, {
    mode: 'rm', targets: ids.map(id => ({ id: id as ContainerId })), force: true, depend: true, volumes: false,
  }, { backend: (ctx.removalBackend ?? createHostBackend)(ctx) })
  const failed = report.containers.flatMap(c => c.outcome.status === 'failed' ? [c.outcome.error.message] : [])
  if (failed.length > 0) throw new PodctlError('IN_USE', `removing the containers of ${what}: ${failed.join('; ')}`)
}

// IDs of the containers whose rows reference the object.
export function containersUsingVolume (ctx: CommandContext, name: string): string[] {
  return (ctx.store.db.prepare('SELECT DISTINCT container_id AS id FROM container_volumes WHERE volume_name = ?').all(name) as { id: string }[]).map(r => r.id)
}
