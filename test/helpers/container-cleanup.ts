import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

import { deleteRuntimeContainer, runtimeList } from '../../src/containers/host-runtime.js'
import { teardownContainerStorage } from '../../src/containers/teardown.js'
import type { Host } from '../../src/host.js'
import { silentLogger } from '../../src/log.js'
import { walkConfigDir } from '../../src/network/config-walk.js'
import { CNIEnv, DEFAULT_NETWORK } from '../../src/network/index.js'
import type { NetworkConfig } from '../../src/network/index.js'
import { listMasqueradeRules, masqueradeChain, masqueradesFor, removeMasquerade } from '../../src/network/masq-cleanup.js'
import { readCachedAttachments } from '../../src/network/result-cache.js'
import { listContainers } from '../../src/state/container-rows.js'
import { listMountPoints } from '../../src/storage/overlay.js'
import { removeNatChainsUnder } from './cni.js'
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

// Masquerade rules (bridge ipMasq) the host's containers left behind after their teardown:
// any rule on one of the host's own networks (their names are unique per test), and on
// the shared default network the rules of container IDs the host still knows. Removes
// them and returns their chains, so the host is clean and the caller can fail the test.
export async function removeLeakedMasquerades (host: Host, knownIds: ReadonlySet<string>): Promise<string[]> {
  const walk = await walkConfigDir(host.config.cniConfigDir, silentLogger).catch(() => undefined)
  const nets = new Map<string, NetworkConfig>((walk?.networks ?? []).filter(masqueradesFor).map(n => [n.name, n]))
  const leaked: string[] = []
  for (const r of await listMasqueradeRules(4).catch(() => [])) {
    const net = nets.get(r.network)
    if (net === undefined || (r.network === DEFAULT_NETWORK && !knownIds.has(r.containerId))) continue
    leaked.push(`${r.chain} (network ${r.network}, container ${r.containerId})`)
    await removeMasquerade(net, r.containerId).catch(() => {})
  }
  // A chain whose POSTROUTING rule went but which was never deleted has no comment to find.
  const chains = new Set(listChains().filter(c => c.startsWith('CNI-')))
  for (const id of knownIds) {
    for (const net of nets.values()) {
      const chain = masqueradeChain(net.name, id)
      if (!chains.has(chain)) continue
      leaked.push(`${chain} (network ${net.name}, container ${id}, no rule)`)
      await removeMasquerade(net, id).catch(() => {})
    }
  }
  return leaked
}

function listChains (): string[] {
  try {
    const out = execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8', timeout: 30_000 })
    return out.split('\n').flatMap(l => l.startsWith('-N ') ? [l.slice(3).trim()] : [])
  } catch {
    return []
  }
}

// Container IDs the host knows: rows and cached CNI results.
async function knownContainerIds (host: Host): Promise<Set<string>> {
  const ids = new Set<string>()
  try { for (const c of listContainers(host.store)) ids.add(c.id) } catch {}
  for (const e of await readCachedAttachments(host.config.cniCacheDir, () => true).catch(() => [])) ids.add(e.containerId)
  return ids
}

// Leaves nothing behind: processes, runtime state, mounts under the host dir, the dir itself.
// Returns the masquerade chains the host's containers leaked (removed here).
export async function destroyTestHost (host: TestHost): Promise<string[]> {
  const ids = await knownContainerIds(host)
  try { await removeAllContainers(host) } catch (err) { process.stderr.write(`cleanup: ${String(err)}\n`) }
  let leaked: string[] = []
  try { leaked = await removeLeakedMasquerades(host, ids) } catch (err) { process.stderr.write(`cleanup: ${String(err)}\n`) }
  try {
    for (const [id, st] of await runtimeList(host)) {
      // A stopped container's state has pid 0: kill(0) would signal this test's own group.
      if (st.pid > 0) { try { process.kill(st.pid, 'SIGKILL') } catch {} }
      execFileSync('runc', ['--root', `${host.config.runroot}/runtime`, 'delete', '--force', id], { timeout: 10_000, stdio: 'ignore' })
    }
  } catch {}
  for (const mp of [...listMountPoints()].filter(m => m.startsWith(host.dir + '/')).sort().reverse()) {
    try { execFileSync('umount', ['-l', mp], { timeout: 10_000, stdio: 'ignore' }) } catch {}
  }
  try { removeNatChainsUnder(host.dir) } catch (err) { process.stderr.write(`cleanup: ${String(err)}\n`) }
  host[Symbol.dispose]()
  fs.rmSync(host.dir, { recursive: true, force: true })
  return leaked
}

// Runs fn with a fresh test host and always destroys it afterwards. A test that passed
// fails when its containers left masquerade rules or chains behind.
export async function withTestHost<T> (fn: (host: TestHost) => Promise<T>, opts: { runtime?: string } = {}): Promise<T> {
  const host = createTestHost(opts)
  let result: T
  try {
    result = await fn(host)
  } catch (err) {
    await destroyTestHost(host)
    throw err
  }
  const leaked = await destroyTestHost(host)
  if (leaked.length > 0) throw new Error(`masquerade chains leaked by the test's containers: ${leaked.join(', ')}`)
  return result
}
