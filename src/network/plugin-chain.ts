import { errorMessage, PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import type { NetworkConfig, PluginConf } from './cni-config.js'
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

// CNI_ARGS for one network: a static IP goes only to the network that asked for it.
export function cniArgsFor (staticIp?: string): [string, string][] {
  const args: [string, string][] = [['IgnoreUnknown', '1']]
  if (staticIp !== undefined) args.push(['IP', staticIp])
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

function pluginStdin (net: NetworkConfig, plugin: PluginConf, prevResult?: Record<string, unknown>): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, name: net.name, cniVersion: net.cniVersion }
  if (prevResult !== undefined) conf['prevResult'] = prevResult
  return conf
}

// Runs ADD for every plugin of `net` in order, chaining prevResult. If one fails, runs DEL
// for the whole list so nothing stays half set up, then rethrows the ADD error.
export async function addNetwork (ctx: ChainContext, net: NetworkConfig, ifname: string, cniArgs: string): Promise<Record<string, unknown>> {
  let prev: Record<string, unknown> | undefined
  for (const plugin of net.plugins) {
    try {
      prev = await execPlugin({ ...callBase(ctx, ifname, cniArgs), command: 'ADD', type: plugin.type, stdin: pluginStdin(net, plugin, prev) }) ?? prev
    } catch (err) {
      const cleanup = await delNetwork(cleanupContext(ctx), net, ifname, cniArgs, prev)
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
export async function delNetwork (ctx: ChainContext, net: NetworkConfig, ifname: string, cniArgs: string, cached?: Record<string, unknown>): Promise<unknown[]> {
  const errors: unknown[] = []
  const prev = passesPrevResultOnDel(net.cniVersion) ? cached : undefined
  for (const plugin of [...net.plugins].reverse()) {
    if (findPlugin(plugin.type, ctx.pluginDirs) === undefined) {
      ctx.log.warn(`network ${net.name}: plugin ${plugin.type} not found, skipping its DEL`)
      continue
    }
    try {
      await execPlugin({ ...callBase(ctx, ifname, cniArgs), command: 'DEL', type: plugin.type, stdin: pluginStdin(net, plugin, prev) })
    } catch (err) {
      errors.push(err)
    }
  }
  return errors
}

function callBase (ctx: ChainContext, ifname: string, cniArgs: string): Omit<Parameters<typeof execPlugin>[0], 'command' | 'type' | 'stdin'> {
  const base: Omit<Parameters<typeof execPlugin>[0], 'command' | 'type' | 'stdin'> = {
    containerId: ctx.containerId, netns: ctx.netns, ifname, cniArgs, pluginDirs: ctx.pluginDirs,
  }
  if (ctx.timeoutMs !== undefined) base.timeoutMs = ctx.timeoutMs
  if (ctx.signal !== undefined) base.signal = ctx.signal
  return base
}
