import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import { getContainer, updateContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'

// Records an observed exit: a running row becomes exited. A row claimed for removal keeps
// its 'removing' state; a missing row is fine. exitCode null = not known (128 + the signal
// `kill` sent, when it sent one).
export function recordExit (host: Host, id: ContainerId, exitCode: number | null): void {
  host.store.write(() => {
    const c = getContainer(host.store, id)
    if (c === undefined || (c.state !== 'running' && c.state !== 'removing')) return
    if (c.state === 'removing' && c.pid === null) return
    const killedWith = typeof c.config['killedWith'] === 'number' ? c.config['killedWith'] : null
    const code = exitCode ?? (killedWith === null ? c.exitCode : 128 + killedWith)
    const patch: Partial<ContainerRecord> = { pid: null, exitCode: code, finishedAt: Date.now() }
    if (c.state === 'running') patch.state = 'exited'
    updateContainer(host.store, id, patch)
  })
}
