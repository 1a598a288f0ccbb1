import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { Signal } from '../runtime/signals.js'
import { getContainer, updateContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { runtimeFor } from './host-runtime.js'

// Sends a signal to a running container's init, without waiting. The signal is remembered,
// so when the exit is observed later its status is recorded as 128 + signal.
export async function killContainer (host: Host, c: ContainerRecord, sig: Signal): Promise<void> {
  const runtime = runtimeFor(host)
  const st = await runtime.state(c.id)
  if (st?.status !== 'running') {
    throw new PodctlError('CONTAINER_STATE_IMPROPER', `can only kill running containers. ${c.id} is in state ${c.state === 'running' ? 'exited' : c.state}: container state improper`)
  }
  host.store.write(() => {
    const cur = getContainer(host.store, c.id)
    if (cur !== undefined) updateContainer(host.store, c.id, { config: { ...cur.config, killedWith: sig.number } })
  })
  await runtime.kill(c.id, sig.name)
}
