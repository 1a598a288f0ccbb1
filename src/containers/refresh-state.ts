import type { Host } from '../host.js'
import { isProcessAlive } from '../runtime/proc-status.js'
import { listContainers } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { readConfig } from './container-config.js'
import { awaitExitCode } from './exit-file.js'
import { runtimeList } from './host-runtime.js'
import { recordExit } from './record-exit.js'

// Brings rows that say 'running' in line with the runtime: one `runtime list` for all of
// them (not one exec each); a container whose process is gone becomes 'exited', with the
// exit code its conmon wrote.
export async function refreshContainerStates (host: Host, only?: readonly ContainerRecord[]): Promise<number> {
  const rows = (only ?? listContainers(host.store)).filter(c => c.state === 'running')
  if (rows.length === 0) return 0
  const known = await runtimeList(host)
  const gone = rows.filter(c => {
    const st = known.get(c.id)
    return !(st !== undefined && st.status === 'running' && isProcessAlive(st.pid, readConfig(c).pidStart))
  })
  await Promise.all(gone.map(async c => { recordExit(host, c.id, await awaitExitCode(host, c) ?? null) }))
  return gone.length
}
