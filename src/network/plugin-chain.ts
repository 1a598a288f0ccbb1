import path from 'node:path'

import { errorMessage, PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import type { NetworkConfig, PluginConf } from './cni-config.js'
import { dirLockFor } from './dir-lock.js'
import { execPlugin, findPlugin } from './plugin-exec.js'

// What every plugin call of one container attachment shares.
export interface ChainContext {
  containerId: string
  netns: string
  pluginDirs: readonly string[]
  timeoutMs?: number
  signal?: AbortSignal
  log: Logger
}

// CNI_ARGS for one network: a static IP goes only to the network that asked for it; the
// container's name as K8S_POD_NAME, the key dnsname registers it under (as Podman passes it).
export function cniArgsFor (staticIp?: string, containerName?: string): [string, string][] {
  const args: [string, string][] = [['IgnoreUnknown', '1']]
  if (staticIp !== undefined) args.push(['IP', staticIp])
  if (containerName !== undefined) args.push(['K8S_POD_NAMESPACE', containerName], ['K8S_POD_NAME', containerName])
  return args
}

export function formatCniArgs (args: readonly [string, string][]): string {
  return args.map(([k, v]) => `${k}=${v}`).join(';')
}

// libcni hands DEL the cached result only for configs at CNI 0.4.0 or later.
function passesPrevResultOnDel (version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major > 0 || minor >= 4
}

// runtimeConfig goes to a plugin only for the capabilities its conf declares (CNI conventions).
function pluginStdin (net: NetworkConfig, plugin: PluginConf, prevResult?: Record<string, unknown>, runtime: Record<string, unknown> = {}): Record<string, unknown> {
  const capabilities = (plugin as PluginConf & { capabilities?: Record<string, unknown> }).capabilities
  const conf: Record<string, unknown> = { ...plugin, name: net.name, cniVersion: net.cniVersion }
  const wanted = Object.entries(runtime).filter(([k]) => capabilities?.[k] === true)
  if (wanted.length > 0) conf['runtimeConfig'] = Object.fromEntries(wanted)
  if (prevResult !== undefined) conf['prevResult'] = prevResult
  return conf
}

// portmap without port mappings does nothing on ADD (passes prevResult on) or DEL (returns
// at once): skipping it saves a process per attachment. With mappings it always runs.
function runs (plugin: PluginConf, capabilityArgs: Record<string, unknown> | undefined): boolean {
  if (plugin.type !== 'portmap') return true
  const maps = capabilityArgs?.['portMappings']
  return Array.isArray(maps) && maps.length > 0
}

// Runs ADD for every plugin of `net` in order, chaining prevResult. If one fails, runs DEL
// for the whole list so nothing stays half set up, then rethrows the ADD error.
export async function addNetwork (ctx: ChainContext, net: NetworkConfig, ifname: string, cniArgs: string, runtime: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  let prev: Record<string, unknown> | undefined
  for (const plugin of net.plugins.filter(p => runs(p, runtime))) {
    try {
      const stdin = pluginStdin(net, plugin, prev, runtime)
      prev = await serialized(net, plugin, ctx, () => execPlugin({ ...callBase(ctx, ifname, cniArgs), command: 'ADD', type: plugin.type, stdin })) ?? prev
    } catch (err) {
      const cleanup = await delNetwork(cleanupContext(ctx), net, ifname, cniArgs, prev, runtime)
      for (const e of cleanup) ctx.log.warn(`cleaning up network ${net.name} after a failed ADD: ${errorMessage(e)}`)
      throw err
    }
  }
  if (prev === undefined) throw new PodctlError('NETWORK_FAILED', `network ${net.name}: plugins returned no result`)
  return prev
}

// Undoing a failed (or interrupted) ADD runs to the end, bounded by the plugin timeout
// only: the abort signal that may have caused the failure must not stop the cleanup too.
export function cleanupContext (ctx: ChainContext): ChainContext {
  const { signal: _signal, ...rest } = ctx
  return rest
}

// Runs DEL for every plugin of `net` in reverse order. Never throws: returns the errors.
// A plugin missing from the plugin dirs is skipped with a warning (nothing to undo with it).
// runtime: what ADD was given (portmap's DEL needs the port mappings to find its rules).
export async function delNetwork (ctx: ChainContext, net: NetworkConfig, ifname: string, cniArgs: string, cached?: Record<string, unknown>, runtime: Record<string, unknown> = {}): Promise<unknown[]> {
  const errors: unknown[] = []
  const prev = passesPrevResultOnDel(net.cniVersion) ? cached : undefined
  for (const plugin of [...net.plugins].reverse().filter(p => runs(p, runtime))) {
    if (findPlugin(plugin.type, ctx.pluginDirs) === undefined) {
      ctx.log.warn(`network ${net.name}: plugin ${plugin.type} not found, skipping its DEL`)
      continue
    }
    try {
      const stdin = pluginStdin(net, plugin, prev, runtime)
      await serialized(net, plugin, ctx, () => execPlugin({ ...callBase(ctx, ifname, cniArgs), command: 'DEL', type: plugin.type, stdin }))
    } catch (err) {
      errors.push(err)
    }
  }
  return errors
}

// Where podctl locks each network's dnsname calls: outside the plugin's own dir, which the
// plugin deletes with the network's last container.
export const DNSNAME_LOCK_DIR = '/run/podctl/dnsname-locks'

// dnsname is not safe under concurrent calls for one network (seen in the 16-process
// attach test: two dnsmasq for one address, "Address already in use"; a config read
// after a concurrent last DEL removed the dir). Its ADD and DEL run one at a time per
// network, across processes (flock), as every other plugin runs freely.
async function serialized<T> (net: NetworkConfig, plugin: PluginConf, ctx: ChainContext, fn: () => Promise<T>): Promise<T> {
  if (plugin.type !== 'dnsname' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(net.name)) return await fn()
  return await dirLockFor(path.join(DNSNAME_LOCK_DIR, net.name)).withLock('exclusive', fn, ctx.signal)
}

function callBase (ctx: ChainContext, ifname: string, cniArgs: string): Omit<Parameters<typeof execPlugin>[0], 'command' | 'type' | 'stdin'> {
  const base: Omit<Parameters<typeof execPlugin>[0], 'command' | 'type' | 'stdin'> = {
    containerId: ctx.containerId, netns: ctx.netns, ifname, cniArgs, pluginDirs: ctx.pluginDirs,
  }
  if (ctx.timeoutMs !== undefined) base.timeoutMs = ctx.timeoutMs
  if (ctx.signal !== undefined) base.signal = ctx.signal
  return base
}
