import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'

import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import type { Logger } from '../log.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'
import { listNetworkUsers } from '../state/network-rows.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import { removeFileDurable, writeFileAtomic } from '../storage/atomic-file.js'
import type { NetworkConfig } from './cni-config.js'
import type { CniPaths } from './cni-paths.js'
import { isPodctlOwned, parseNetworkConfig, podctlFileName } from './cni-config.js'
import type { ConfigWalk } from './config-walk.js'
import { findNetwork, walkConfigDir } from './config-walk.js'
import type { CreateNetworkOptions } from './conflist-build.js'
import { pickDefaultSubnet, planNetwork, validateCreateOptions } from './create-plan.js'
import type { DirLock } from './dir-lock.js'
import { dirLockFor } from './dir-lock.js'
import { hasDns, stopDnsServer } from './dns-server.js'
import { readHostSubnets } from './host-routes.js'
import { findPlugin } from './plugin-exec.js'
import type { NetworkInspect } from './network-info.js'
import { installNat, natInstalled, ownsNat, removeNat } from './network-nat.js'
import { driverOf, inspectNetwork, interfaceOf, ipamOf } from './network-info.js'
import type { AttachResult, DetachRequest, NetworkRequest } from './network-attach.js'
import { attachNetworks, detachNetworks } from './network-attach.js'
import { readCachedAttachments } from './result-cache.js'
import type { LockMode } from './rw-gate.js'

export const DEFAULT_NETWORK = 'podctl'
export const DEFAULT_BRIDGE = 'podctl0'
// The default network's first choice (pickDefaultSubnet takes another when it is in use).
export const DEFAULT_SUBNET = '10.88.0.0/16'

export interface CNIEnvOptions {
  config: CniPaths
  log: Logger
  // The state store, or a function opening it on first need (only rm/prune/users use it).
  store?: StateStore | (() => StateStore)
  signal?: AbortSignal
  lockTimeoutMs?: number
  pluginTimeoutMs?: number
}

export interface RemoveNetworkOptions {
  force?: boolean
  // With force: removes the containers using the network (the removal engine).
  removeUsers?: (containerIds: string[]) => Promise<void>
}

// The single owner of the CNI config dir: every read walks it once under a shared
// flock, every change re-walks it under the exclusive flock and writes atomically.
export class CNIEnv {
  readonly config: CniPaths
  readonly log: Logger
  private readonly openStore: (() => StateStore) | undefined
  private readonly signal: AbortSignal | undefined
  private readonly lock: DirLock
  private readonly pluginTimeoutMs: number | undefined

  constructor (opts: CNIEnvOptions) {
    this.config = opts.config
    this.log = opts.log
    const store = opts.store
    this.openStore = store === undefined ? undefined : typeof store === 'function' ? store : () => store
    this.signal = opts.signal
    this.lock = dirLockFor(opts.config.cniConfigDir, opts.lockTimeoutMs)
    this.pluginTimeoutMs = opts.pluginTimeoutMs
  }

  static fromHost (host: Host): CNIEnv {
    return new CNIEnv({ config: host.config, log: host.log, store: () => host.store, signal: host.signal })
  }

  // host-local keeps allocations under <cniCacheDir>/networks (its default in production).
  get ipamDataDir (): string {
    return path.join(this.config.cniCacheDir, 'networks')
  }

  // One walk of the config dir under the shared lock, default network ensured.
  async walk (): Promise<ConfigWalk> {
    const walk = await this.withLock('shared', () => walkConfigDir(this.config.cniConfigDir, this.log))
    if (walk.byName.has(DEFAULT_NETWORK)) return walk
    return this.withLock('exclusive', () => this.walkLocked())
  }

  // The walk a change is based on; the caller holds the exclusive lock. Writes the
  // default network when missing and adds it to the walk instead of walking again.
  private async walkLocked (): Promise<ConfigWalk> {
    const walk = await walkConfigDir(this.config.cniConfigDir, this.log)
    if (walk.byName.has(DEFAULT_NETWORK)) return walk
    const host = await readHostSubnets(this.signal)
    const subnet = pickDefaultSubnet(walk, host, DEFAULT_BRIDGE)
    const conf = planNetwork({ name: DEFAULT_NETWORK, subnets: [subnet], interfaceName: DEFAULT_BRIDGE }, walk, host, this.ipamDataDir)
    const text = conflistText(conf)
    const file = await this.writeConflist(DEFAULT_NETWORK, text)
    const net = parseNetworkConfig(file, text, Date.now())
    walk.networks.push(net)
    walk.byName.set(net.name, net)
    return walk
  }

  async list (): Promise<NetworkConfig[]> {
    return (await this.walk()).networks
  }

  async inspect (nameOrId: string): Promise<NetworkInspect> {
    return inspectNetwork(findNetwork(await this.walk(), nameOrId))
  }

  // Creates podctl-<name>.conflist; returns what `network inspect` shows for it.
  async create (opts: CreateNetworkOptions): Promise<NetworkInspect> {
    validateCreateOptions(opts)
    return this.withLock('exclusive', async () => {
      const walk = await this.walkLocked()
      // As Podman with CNI: user-defined bridge networks resolve container names when the
      // dnsname plugin is installed (unless --disable-dns); the default network never does.
      const dns = opts.dns ?? ((opts.driver ?? 'bridge') === 'bridge' && findPlugin('dnsname', this.config.cniPluginDirs) !== undefined && hasDnsmasq())
      const conf = planNetwork({ ...opts, dns }, walk, await readHostSubnets(this.signal), this.ipamDataDir)
      const text = conflistText(conf)
      const file = await this.writeConflist(conf['name'] as string, text)
      const net = parseNetworkConfig(file, text, Date.now())
      if (ownsNat(net)) {
        // No network without its NAT: a failed install takes the file away again. A
        // SIGKILL between the two leaves a network whose first use installs it.
        try {
          await installNat(net, this.signal)
        } catch (err) {
          await removeFileDurable(file).catch(() => {})
          throw err
        }
      }
      return inspectNetwork(net)
    })
  }

  // Makes sure a network's own NAT chain and jump are in place: one `iptables -C` when they
  // are; else, under the exclusive lock and only if the network still exists as walked,
  // installs them (a firewall flush or a reboot heals at the next ADD).
  async ensureNat (net: NetworkConfig): Promise<void> {
    if (!ownsNat(net) || await natInstalled(net, this.signal)) return
    await this.withLock('exclusive', async () => {
      const live = (await walkConfigDir(this.config.cniConfigDir, this.log)).byName.get(net.name)
      if (live === undefined || live.file !== net.file || !ownsNat(live) || await natInstalled(live, this.signal)) return
      this.log.debug(`network ${net.name}: installing its NAT chain`)
      await installNat(live, this.signal)
    })
  }

  // Containers using a network: state rows plus cached CNI results naming it.
  async users (name: string): Promise<string[]> {
    const store = this.openStore?.()
    const fromDb = store === undefined ? [] : store.read(() => listNetworkUsers(store, name))
    const cached = await readCachedAttachments(this.config.cniCacheDir, f => f.startsWith(`${name}-`))
    return [...new Set([...fromDb, ...cached.filter(c => c.networkName === name).map(c => c.containerId)])].sort()
  }

  // Removes a podctl network; returns its name. In use: IN_USE (exit 2) unless force,
  // which first removes the users through opts.removeUsers.
  async remove (nameOrId: string, opts: RemoveNetworkOptions = {}): Promise<string> {
    let name = nameOrId
    // Users are removed outside the lock (their teardown reads the config dir), then the
    // check runs again on a fresh walk: one walk when the network is unused.
    for (let round = 0; ; round++) {
      const outcome = await this.withLock('exclusive', async (): Promise<{ removed: string } | { name: string, users: string[] }> => {
        const walk = await this.walkLocked()
        const net = findNetwork(walk, name)
        checkRemovable(net)
        const users = await this.users(net.name)
        if (users.length === 0) {
          await this.deleteNetwork(net, walk)
          return { removed: net.name }
        }
        if (opts.force !== true || round > 0) throw inUseError(net.name, users)
        if (opts.removeUsers === undefined) throw new PodctlError('IN_USE', `network ${net.name} is used by containers ${users.join(', ')} and nothing here can remove them`)
        return { name: net.name, users }
      })
      if ('removed' in outcome) return outcome.removed
      name = outcome.name
      await opts.removeUsers!(outcome.users)
    }
  }

  // Removes every unused podctl network except the default; returns their names.
  async prune (keep: (n: NetworkInspect) => boolean = () => false): Promise<string[]> {
    return this.withLock('exclusive', async () => {
      const walk = await this.walkLocked()
      const removed: string[] = []
      for (const net of walk.networks) {
        if (net.name === DEFAULT_NETWORK || !isPodctlOwned(net) || keep(inspectNetwork(net))) continue
        if ((await this.users(net.name)).length > 0) continue
        await this.deleteNetwork(net, walk)
        removed.push(net.name)
      }
      return removed
    })
  }

  // Sets up the container's netns and attaches it to each network in order (eth0, eth1, …).
  async attach (containerId: string, requests: readonly NetworkRequest[], containerName?: string): Promise<AttachResult> {
    return attachNetworks(this.attachDeps(), containerId, requests, containerName)
  }

  // Tears down the container's attachments (all, or the named ones); the netns goes with the last one.
  async detach (containerId: string, requests?: readonly DetachRequest[]): Promise<void> {
    return detachNetworks(this.attachDeps(), containerId, requests)
  }

  private attachDeps (): Parameters<typeof attachNetworks>[0] {
    const deps: Parameters<typeof attachNetworks>[0] = { config: this.config, log: this.log, walk: () => this.walk(), ensureNat: net => this.ensureNat(net) }
    if (this.signal !== undefined) deps.signal = this.signal
    if (this.pluginTimeoutMs !== undefined) deps.pluginTimeoutMs = this.pluginTimeoutMs
    return deps
  }

  // The config dir lock; a wait for it ends when this env's signal aborts.
  private withLock<T> (mode: LockMode, fn: () => Promise<T>): Promise<T> {
    return this.lock.withLock(mode, fn, this.signal)
  }

  private async writeConflist (name: string, text: string): Promise<string> {
    await fs.mkdir(this.config.cniConfigDir, { recursive: true, mode: 0o755 })
    const file = path.join(this.config.cniConfigDir, podctlFileName(name))
    await writeFileAtomic(file, text)
    return file
  }

  // Under the exclusive lock: the file, then the bridge (unless another network of the
  // walk names it too) and the IPAM dir podctl made for it.
  private async deleteNetwork (net: NetworkConfig, walk: ConfigWalk): Promise<void> {
    // NAT first: a SIGKILL after it leaves the network, which heals at its next use or
    // goes with the next rm; never a chain nobody names (system check removes those too).
    if (driverOf(net) === 'bridge') await removeNat(net, this.signal)
    await removeFileDurable(net.file)
    const iface = interfaceOf(net)
    const shared = walk.networks.some(n => n !== net && driverOf(n) === 'bridge' && interfaceOf(n) === iface)
    if (driverOf(net) === 'bridge' && iface !== '' && !shared && existsSync(path.join('/sys/class/net', iface))) {
      await deleteLink(iface, this.signal).catch(err => this.log.warn(`removing bridge ${iface} of network ${net.name}: ${(err as Error).message}`))
    }
    if (ipamOf(net)['dataDir'] === this.ipamDataDir) {
      await fs.rm(path.join(this.ipamDataDir, net.name), { recursive: true, force: true })
    }
    if (hasDns(net)) stopDnsServer(net.name)
  }
}

// dnsname runs dnsmasq from PATH.
function hasDnsmasq (): boolean {
  return (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some(d => d !== '' && existsSync(path.join(d, 'dnsmasq')))
}

function conflistText (conf: Record<string, unknown>): string {
  return JSON.stringify(conf, null, 2) + '\n'
}

function checkRemovable (net: NetworkConfig): void {
  if (net.name === DEFAULT_NETWORK) throw invalidArgument(`default network ${DEFAULT_NETWORK} cannot be removed`)
  if (!isPodctlOwned(net)) {
    throw invalidArgument(`network ${net.name} is defined in ${net.file}, which podctl does not manage`, 'remove it with the tool that created it')
  }
}

function inUseError (name: string, users: readonly string[]): PodctlError {
  return new PodctlError('IN_USE', `"${name}" has associated containers with it (${users.join(', ')}). Use -f to forcibly delete containers and pods: network is being used`)
}

async function deleteLink (iface: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await runProcess('ip', ['link', 'del', iface], { timeoutMs: 30_000, ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    if (!isProcessError(err)) throw err
    if (!/Cannot find device/.test(err.stderr)) throw new Error(err.stderr.trim() || err.message, { cause: err })
  }
}

