import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

import { deleteRuntimeContainer, teardownContainerStorage } from '../../src/containers/teardown.js'
import type { Host } from '../../src/host.js'
import { CNIEnv } from '../../src/network/index.js'
import { runtimeList } from '../../src/runtime/oci-runtime.js'
import { listContainers } from '../../src/state/container-rows.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import type { TestHost } from './host.js'
import { createTestHost } from './host.js'

// Test-only removal: teardown functions for every container, then the rows. Not the engine.
export async function removeAllContainers (host: Host): Promise<void> {
  for (const c of listContainers(host.store)) {
    if (c.pid !== null) { try { process.kill(c.pid, 'SIGKILL') } catch {} }
    // CNI DEL (veth, IPAM entry, NAT rules) and the netns file, for containers on networks.
    try { await CNIEnv.fromHost(host).detach(c.id) } catch (err) { process.stderr.write(`cleanup detach ${c.id}: ${String(err)}\n`) }
    await deleteRuntimeContainer(host, c.id)
    await teardownContainerStorage(host, c)
  }
  host.store.write(() => {
    host.store.db.exec('DELETE FROM container_deps; DELETE FROM container_volumes; DELETE FROM container_networks; UPDATE pods SET infra_id = NULL; DELETE FROM containers; DELETE FROM pods')
  })
}

// Leaves nothing behind: processes, runtime state, mounts under the host dir, the dir itself.
export async function destroyTestHost (host: TestHost): Promise<void> {
  try { await removeAllContainers(host) } catch (err) { process.stderr.write(`cleanup: ${String(err)}\n`) }
  try {
    for (const [id, st] of await runtimeList(host)) {
      try { process.kill(st.pid, 'SIGKILL') } catch {}
      execFileSync('runc', ['--root', `${host.config.runroot}/runtime`, 'delete', '--force', id], { timeout: 10_000, stdio: 'ignore' })
    }
  } catch {}
  for (const mp of [...listMountPoints()].filter(m => m.startsWith(host.dir + '/')).sort().reverse()) {
    try { execFileSync('umount', ['-l', mp], { timeout: 10_000, stdio: 'ignore' }) } catch {}
  }
  host[Symbol.dispose]()
  fs.rmSync(host.dir, { recursive: true, force: true })
}

// Runs fn with a fresh test host and always destroys it afterwards.
export async function withTestHost<T> (fn: (host: TestHost) => Promise<T>, opts: { runtime?: string } = {}): Promise<T> {
  const host = createTestHost(opts)
  try {
    return await fn(host)
  } finally {
    await destroyTestHost(host)
  }
}
