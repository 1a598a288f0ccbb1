import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { CNIEnv } from '../network/index.js'
import { ALL_CAPABILITIES, capabilitiesOfMask, generateSpec } from '../runtime/oci-spec.js'
import type { NamespaceKind, NamespaceSetting } from '../runtime/oci-spec.js'
import { endMonitor } from '../runtime/monitor.js'
import type { MonitorIdentity } from '../runtime/oci-runtime.js'
import { readStartTime } from '../runtime/proc-status.js'
import { writeFileAtomicSync } from '../storage/atomic-file.js'
import { mountContainerRootfs } from './rootfs-layers.js'
import { paths } from '../storage/paths.js'
import { getContainer, listDependenciesOf, noSuchContainer, updateContainer } from '../state/container-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { listAttachmentResults } from '../state/network-rows.js'
import { listContainerVolumes } from '../state/volume-rows.js'
import { mkdirInRoot } from '../storage/in-root.js'
import { readConfig } from './container-config.js'
import type { EtcInput } from './etc-files.js'
import { writeEtcFiles } from './etc-files.js'
import { capabilitySet } from './process-options.js'
import { resolveUser } from './user-lookup.js'
import { readExitFile, removeExitFile } from './exit-file.js'
import { createRequestFor, runtimeFor } from './host-runtime.js'
import { joinedContainer, namespaceSetting, prepareNetworks } from './network-mode.js'
import { ociStartError } from './oci-errors.js'
import { recordExit } from './record-exit.js'
import { withStartLock } from './start-lock.js'
import { teardownContainerStorage } from './teardown.js'

// Starts the container (and first whatever it depends on that is not running). A running
// container is left as it is. The process runs detached under its own conmon, which writes
// its stdout/stderr to ctr.log (k8s-file format) and its exit code to the exit file.
export async function startContainer (host: Host, c: ContainerRecord, visiting = new Set<string>()): Promise<ContainerRecord> {
  return await withStartLock(host, c.id, async () => {
    // Re-read under the lock: another process may have started or removed it meanwhile.
    const current = getContainer(host.store, c.id)
    if (current === undefined) throw noSuchContainer(c.id)
    const fresh = await prepareStart(host, current, visiting)
    if (fresh === undefined) return current
    return await launch(host, fresh)
  })
}

// Everything before the runtime is asked to run the process: the container is not running
// (a stale runtime container is deleted) and its dependencies run. undefined: it already runs.
export async function prepareStart (host: Host, c: ContainerRecord, visiting = new Set<string>()): Promise<ContainerRecord | undefined> {
  if (visiting.has(c.id)) throw new PodctlError('DEPENDENCY_CYCLE', `container ${c.id} depends on itself through its dependencies`)
  visiting.add(c.id)
  if (c.state === 'removing') throw new PodctlError('CONTAINER_STATE_IMPROPER', `container ${c.id} is being removed: container state improper`)
  const runtime = runtimeFor(host)
  const st = await runtime.state(c.id)
  if (st?.status === 'running' && c.state === 'running') return undefined
  if (st !== undefined) {
    recordExit(host, c.id, readExitFile(host, c.id) ?? null)
    await runtime.delete(c.id)
    // Its conmon writes the exit file as it goes: gone before the next start deletes it.
    await endMonitor(readConfig(c).monitor)
  }
  for (const d of listDependenciesOf(host.store, c.id)) {
    const dep = getContainer(host.store, d.dependsOn)
    if (dep !== undefined && dep.state !== 'running') await startContainer(host, dep, visiting)
  }
  return getContainer(host.store, c.id) ?? c
}

// Mounts the rootfs, joins networks and writes the OCI bundle; returns its paths.
export async function writeBundle (host: Host, c: ContainerRecord): Promise<{ bundle: string, pidFile: string }> {
  const cfg = readConfig(c)
  const opts = cfg.process
  const bundle = paths.bundle(host.config, c.id)
  const pidFile = paths.pidFile(host.config, c.id)
  let rootfs: string
  let netns: string | null
  let user: ReturnType<typeof resolveUser>
  if (opts.user === undefined || opts.user === '') {
    // No user to look up in the image: the overlay mount and the network (netns, CNI ADD)
    // need nothing from each other and run at once.
    const [mounted, net] = await Promise.allSettled([mountContainerRootfs(host, c.id, cfg), prepareNetworks(host, c)])
    if (mounted.status === 'rejected') throw mounted.reason
    if (net.status === 'rejected') throw net.reason
    rootfs = mounted.value
    netns = net.value
    user = resolveUser(rootfs, opts.user)
  } else {
    rootfs = await mountContainerRootfs(host, c.id, cfg)
    // Checked before any network is set up: a bad -u costs nothing to undo.
    user = resolveUser(rootfs, opts.user)
    netns = await prepareNetworks(host, c)
  }
  if (cfg.cwd !== '/') mkdirInRoot(rootfs, cfg.cwd)
  const namespaces = {} as Record<NamespaceKind, NamespaceSetting>
  for (const k of ['network', 'ipc', 'pid', 'uts'] as const) namespaces[k] = namespaceSetting(host, c, k, netns)
  const volumeBinds = listContainerVolumes(host.store, c.id).map(v => ({ source: paths.volumeData(host.config, v.volumeName), destination: v.destination }))
  const userMounts = [...volumeBinds, ...cfg.binds]
  const taken = new Set([...userMounts.map(b => b.destination), ...opts.tmpfs.map(t => t.destination)])
  fs.mkdirSync(bundle, { recursive: true, mode: 0o700 })
  const etc = writeEtcFiles(bundle, { ...(await etcInput(host, c, cfg)), hostNetwork: namespaces.network.mode === 'host' }, taken)
  // --read-only: Podman's --read-only-tmpfs default, a fresh tmpfs where programs write.
  const readOnlyTmpfs = opts.readOnly
    ? ['/run', '/tmp', '/var/tmp'].filter(d => !taken.has(d)).map(d => ({ destination: d, options: ['rw', 'nosuid', 'nodev', 'noexec', 'mode=1777'] }))
    : []
  const init = opts.init ? [{ source: CATATONIT, destination: INIT_PATH, readOnly: true }] : []
  const spec = generateSpec({
    id: c.id, hostname: cfg.hostname, args: opts.init ? [INIT_PATH, '--', ...c.command] : c.command, env: cfg.env, cwd: cfg.cwd, rootfs, namespaces,
    binds: [...etc, ...init, ...userMounts], cgroupsPath: `podctl-${c.id}`,
    user, capabilities: capabilitySet(opts, ownBoundingSet()), terminal: opts.tty, privileged: opts.privileged, readOnlyRoot: opts.readOnly,
    tmpfs: [...readOnlyTmpfs, ...opts.tmpfs], rlimits: opts.ulimits,
    // Podman's default: ping (ICMP sockets) for every group, without CAP_NET_RAW.
    ...(namespaces.network.mode === 'host' ? {} : { sysctl: { 'net.ipv4.ping_group_range': '0 0' } }),
  })
  fs.rmSync(pidFile, { force: true })
  writeFileAtomicSync(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2), 0o600)
  return { bundle, pidFile }
}

// The capabilities podctl holds: all a container can get (runc fails on any other).
function ownBoundingSet (): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m === null ? [...ALL_CAPABILITIES] : capabilitiesOfMask(m[1]!)
}

// catatonit (Debian's) as --init, where Podman mounts it.
const CATATONIT = '/usr/bin/catatonit'
const INIT_PATH = '/run/podman-init'

// The names and addresses the container's /etc files hold: its own IPs (those of the
// container whose netns it joins, in a pod the infra's) and the DNS servers of networks
// with name resolution (dnsname: the gateway answers, under the network's domain).
async function etcInput (host: Host, c: ContainerRecord, cfg: ReturnType<typeof readConfig>): Promise<Omit<EtcInput, 'hostNetwork'>> {
  const owner = joinedContainer(c.namespaces.network) ?? c.id
  const results = listAttachmentResults(host.store, owner)
  const ips = results.flatMap(r => addressesOf(r.result))
  const dnsNetworks = results.length === 0 ? new Map<string, string>() : await dnsDomains(host)
  const networkDns = results.flatMap(r => {
    const domain = dnsNetworks.get(r.network)
    const gw = gatewaysOf(r.result)[0]
    return domain === undefined || gw === undefined ? [] : [{ server: gw, domain }]
  })
  const o = cfg.process
  return { hostname: cfg.hostname, name: c.name, ips, addHosts: o.addHosts, dns: o.dns, dnsSearch: o.dnsSearch, dnsOptions: o.dnsOptions, networkDns }
}

async function dnsDomains (host: Host): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const n of await CNIEnv.fromHost(host).list()) {
    const dns = n.plugins.find(p => p.type === 'dnsname')
    if (dns !== undefined) out.set(n.name, typeof dns['domainName'] === 'string' ? dns['domainName'] : 'dns.podman')
  }
  return out
}

function ipEntries (result: Record<string, unknown>): { address?: unknown, gateway?: unknown }[] {
  return Array.isArray(result['ips']) ? result['ips'] as { address?: unknown, gateway?: unknown }[] : []
}

function addressesOf (result: Record<string, unknown>): string[] {
  return ipEntries(result).flatMap(i => typeof i.address === 'string' ? [i.address.split('/')[0]!] : [])
}

function gatewaysOf (result: Record<string, unknown>): string[] {
  return ipEntries(result).flatMap(i => typeof i.gateway === 'string' ? [i.gateway] : [])
}

// Records the started init (PID + start time) in the row. A row removed (or claimed for
// removal) while the start ran is left alone and CONTAINER_STATE_IMPROPER thrown; launch undoes.
export function recordStarted (host: Host, c: ContainerRecord, pid: number, extra: Record<string, unknown> = {}): void {
  const pidStart = readStartTime(pid)
  const recorded = host.store.write(() => {
    const current = getContainer(host.store, c.id)
    if (current === undefined || current.state === 'removing') return false
    return updateContainer(host.store, c.id, {
      state: 'running', pid, startedAt: Date.now(), exitCode: null, finishedAt: null,
      config: { ...c.config, ...(pidStart === undefined ? {} : { pidStart }), killedWith: null, monitor: null, logPump: null, ...extra },
    })
  })
  if (!recorded) throw removedWhileStarting(c.id)
}

function removedWhileStarting (id: string): PodctlError {
  return new PodctlError('CONTAINER_STATE_IMPROPER', `container ${id} was removed while it was being started: container state improper`)
}

// A start that lost the race with rm: the removal may already have run its steps, so what
// this start made (runtime container, netns and IPs, rootfs mount, dirs) is undone here.
// Every step is idempotent, and CNI ADD and DEL of one container never overlap across
// processes (network-attach.ts locks), so a removal still running beside it does no harm.
async function undoIfRemoved (host: Host, c: ContainerRecord, monitor?: MonitorIdentity): Promise<void> {
  const row = getContainer(host.store, c.id)
  if (row !== undefined && row.state !== 'removing') return
  await runtimeFor(host).delete(c.id).catch(() => {})
  await endMonitor(monitor)
  removeExitFile(host, c.id)
  await CNIEnv.fromHost(host).detach(c.id).catch(() => {})
  await teardownContainerStorage(host, c).catch(() => {})
  throw removedWhileStarting(c.id)
}

async function launch (host: Host, c: ContainerRecord): Promise<ContainerRecord> {
  try {
    await writeBundle(host, c)
  } catch (err) {
    await undoIfRemoved(host, c)
    throw err
  }
  const runtime = runtimeFor(host)
  let monitor: MonitorIdentity | undefined
  try {
    const created = await runtime.create({ ...createRequestFor(host, c), terminal: readConfig(c).process.tty })
    monitor = created.monitor
    await runtime.start(c.id)
    recordStarted(host, c, created.pid, { monitor })
  } catch (err) {
    // "already exists": another process is starting it; its container is not ours to delete.
    if (/already exists/.test(errorMessage(err))) throw new PodctlError('CONTAINER_STATE_IMPROPER', `container ${c.id} is being started by another process: container state improper`, { cause: err })
    await undoIfRemoved(host, c, monitor)
    await runtime.delete(c.id).catch(() => {})
    await endMonitor(monitor)
    removeExitFile(host, c.id)
    throw ociStartError(host, err)
  }
  return getContainer(host.store, c.id) ?? c
}
