import path from 'node:path'

// A CNI plugin's configuration object; `type` names the plugin binary.
export type PluginConf = Record<string, unknown> & { type: string }

// One network definition as found in the config dir: a .conflist, or a .conf/.json
// holding a single plugin (libcni turns those into one-plugin lists the same way).
export interface NetworkConfig {
  name: string
  cniVersion: string
  plugins: PluginConf[]
  // Top-level "args" of the list (podctl keeps its labels and metadata there).
  args: Record<string, unknown>
  file: string
  // The exact bytes read, as libcni caches them.
  bytes: string
  mtimeMs: number
}

export const CONFIG_EXTENSIONS = ['.conflist', '.conf', '.json'] as const
export const MAX_CONFIG_BYTES = 1024 * 1024
const CNI_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
const PLUGIN_TYPE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/

export class ConfigParseError extends Error {
  override readonly name = 'ConfigParseError'
}

export function isConfigFileName (name: string): boolean {
  return CONFIG_EXTENSIONS.some(ext => name.endsWith(ext))
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function fail (msg: string): never {
  throw new ConfigParseError(msg)
}

function checkPlugin (p: unknown, where: string): PluginConf {
  if (!isObject(p)) fail(`${where} is not an object`)
  const type = p['type']
  if (typeof type !== 'string' || !PLUGIN_TYPE.test(type)) fail(`${where} has no valid "type"`)
  if ('ipam' in p && p['ipam'] !== undefined && !isObject(p['ipam'])) fail(`${where} has a non-object "ipam"`)
  return p as PluginConf
}

// Parses and validates one config file's text; throws ConfigParseError saying what is wrong.
export function parseNetworkConfig (file: string, text: string, mtimeMs = 0, isList = file.endsWith('.conflist')): NetworkConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) fail(`file is larger than ${MAX_CONFIG_BYTES} bytes`)
  if (text.trim() === '') fail('file is empty')
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    fail(`invalid JSON: ${(err as Error).message}`)
  }
  if (!isObject(raw)) fail('top level is not a JSON object')
  const name = raw['name']
  if (typeof name !== 'string' || !CNI_NAME.test(name)) fail('missing or invalid "name"')
  const cniVersion = raw['cniVersion'] ?? '0.1.0'
  if (typeof cniVersion !== 'string' || !VERSION.test(cniVersion)) fail('invalid "cniVersion"')
  const args = raw['args'] ?? {}
  if (!isObject(args)) fail('"args" is not an object')
  let plugins: PluginConf[]
  if (isList) {
    const list = raw['plugins']
    if (!Array.isArray(list) || list.length === 0) fail('"plugins" must be a non-empty array')
    plugins = list.map((p, i) => checkPlugin(p, `plugin ${i}`))
  } else {
    if ('plugins' in raw) fail('a .conf/.json file holds one plugin, not "plugins"')
    const { name: _n, cniVersion: _v, ...plugin } = raw
    plugins = [checkPlugin(plugin, 'plugin')]
  }
  return { name, cniVersion, plugins, args, file, bytes: text, mtimeMs }
}

// podctl writes and may change only files named podctl-<name>.conflist holding <name>.
export function isPodctlOwned (net: NetworkConfig): boolean {
  return path.basename(net.file) === podctlFileName(net.name)
}

export function podctlFileName (name: string): string {
  return `podctl-${name}.conflist`
}
