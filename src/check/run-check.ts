import { runtimeList } from '../containers/host-runtime.js'
import { errorMessage } from '../errors.js'
import type { Host } from '../host.js'
import { silentLogger } from '../log.js'
import { CNIEnv } from '../network/index.js'
import { walkConfigDir } from '../network/config-walk.js'
import { listMountPoints } from '../storage/overlay.js'
import { readRows } from './host-scan.js'
import { findImageStorageProblems } from './image-checks.js'
import { findOrphanMonitors, listMonitorProcesses } from './monitor-checks.js'
import { findBadConflists, findOrphanCniResults, findOrphanIpam, findNatProblems, findOrphanMasquerades, findOrphanVeths } from './network-checks.js'
import { findOrphanPortMappings } from './portmap-checks.js'
import { findOrphanDirs, findOrphanMounts, findOrphanNetns, findOrphanRuntime } from './orphan-checks.js'
import { findBrokenRows, findDanglingRefs, findStuckRemovals } from './state-checks.js'
import type { CheckReport, Finding, Problem } from './types.js'

export interface CheckOptions {
  repair?: boolean
}

// Compares the state rows with the runtime, mounts, storage, netns files, CNI caches, IPAM
// data, config files and links, and reports every inconsistency. With repair, each pass
// fixes what it safely can before the next pass looks (finishing removals first frees
// their runtime state, netns and IPs, so those never show up as orphans).
// Assumes no other podctl is creating containers meanwhile (a create in flight has dirs before its row).
export async function runSystemCheck (host: Host, opts: CheckOptions = {}): Promise<CheckReport> {
  const repair = opts.repair === true
  const findings: Finding[] = []
  const settle = async (problems: Problem[]): Promise<void> => {
    for (const p of problems) findings.push(await settleOne(p, repair))
  }
  const cni = CNIEnv.fromHost(host)

  await settle(findStuckRemovals(host, readRows(host)))
  await settle([
    ...findBrokenRows(host, readRows(host), await runtimeList(host), listMountPoints()),
    ...findDanglingRefs(host),
  ])
  await settle(findOrphanRuntime(host, readRows(host), await runtimeList(host)))
  await settle(findOrphanMonitors(readRows(host), listMonitorProcesses(host)))
  const walk = await walkConfigDir(host.config.cniConfigDir, silentLogger)
  await settle(await findOrphanCniResults(host, readRows(host), walk, cni))
  await settle(findOrphanNetns(host, readRows(host)))
  await settle(await findOrphanIpam(host, readRows(host), walk, cni))
  await settle(await findOrphanMasquerades(readRows(host), walk, listMountPoints(), host.signal))
  await settle(await findOrphanPortMappings(readRows(host), walk, listMountPoints(), cni.ipamDataDir, host.signal))
  await settle(await findNatProblems(walk, cni, host.signal))
  await settle(findOrphanMounts(host, readRows(host), listMountPoints()))
  await settle(findOrphanDirs(host, readRows(host)))
  await settle(findImageStorageProblems(host))
  await settle([...findBadConflists(walk), ...await findOrphanVeths(walk, host.signal)])
  return { findings }
}

async function settleOne (p: Problem, repair: boolean): Promise<Finding> {
  const base = { kind: p.kind, object: p.object, detail: p.detail }
  if (p.repair === undefined) return { ...base, repaired: false, reason: p.cannot ?? 'no safe repair' }
  if (!repair) return { ...base, repaired: false }
  try {
    await p.repair()
    return { ...base, repaired: true }
  } catch (err) {
    return { ...base, repaired: false, reason: errorMessage(err) }
  }
}
