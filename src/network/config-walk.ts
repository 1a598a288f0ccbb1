import fs from 'node:fs/promises'
import path from 'node:path'

import { PodctlError } from '../errors.js'
import type { Logger } from '../log.js'
import type { NetworkConfig } from './cni-config.js'
import { ConfigParseError, isConfigFileName, MAX_CONFIG_BYTES, parseNetworkConfig } from './cni-config.js'
import { networkId } from './network-info.js'

// One read of the config dir: every parseable network, in libcni's file-name order.
export interface ConfigWalk {
  networks: NetworkConfig[]
  byName: Map<string, NetworkConfig>
  // One line per file left out, naming the file and why.
  skipped: string[]
}

// Reads the dir once. Files that cannot be read or parsed are left out with a warning
// naming the file and are never touched; a file vanishing mid-walk is skipped quietly.
export async function walkConfigDir (dir: string, log: Logger): Promise<ConfigWalk> {
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { networks: [], byName: new Map(), skipped: [] }
    throw err
  }
  const walk: ConfigWalk = { networks: [], byName: new Map(), skipped: [] }
  const skip = (file: string, why: string): void => {
    const line = `skipping CNI config file ${file}: ${why}`
    walk.skipped.push(line)
    log.warn(line)
  }
  for (const name of names.filter(isConfigFileName).sort()) {
    const file = path.join(dir, name)
    let text: string; let mtimeMs: number
    try {
      const read = await readSmallFile(file)
      if (read === undefined) continue
      if (read === 'too-big') { skip(file, `file is larger than ${MAX_CONFIG_BYTES} bytes`); continue }
      ;({ text, mtimeMs } = read)
    } catch (err) {
      skip(file, (err as Error).message)
      continue
    }
    let net: NetworkConfig
    try {
      net = parseNetworkConfig(file, text, mtimeMs)
    } catch (err) {
      if (!(err instanceof ConfigParseError)) throw err
      skip(file, err.message)
      continue
    }
    const first = walk.byName.get(net.name)
    if (first !== undefined) {
      skip(file, `network name ${net.name} is already defined in ${first.file}`)
      continue
    }
    walk.networks.push(net)
    walk.byName.set(net.name, net)
  }
  return walk
}

// undefined: the file vanished or is not a regular file.
async function readSmallFile (file: string): Promise<{ text: string, mtimeMs: number } | 'too-big' | undefined> {
  let handle
  try {
    handle = await fs.open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    const st = await handle.stat()
    if (!st.isFile()) return undefined
    if (st.size > MAX_CONFIG_BYTES) return 'too-big'
    const buf = await handle.readFile()
    if (buf.length > MAX_CONFIG_BYTES) return 'too-big'
    return { text: buf.toString('utf8'), mtimeMs: st.mtimeMs }
  } finally {
    await handle.close()
  }
}

// A network by exact name, else by full or unique partial ID (Podman's lookup).
export function findNetwork (walk: ConfigWalk, nameOrId: string): NetworkConfig {
  const byName = walk.byName.get(nameOrId)
  if (byName !== undefined) return byName
  if (/^[0-9a-f]{1,64}$/.test(nameOrId)) {
    const hits = walk.networks.filter(n => networkId(n.name).startsWith(nameOrId))
    if (hits.length === 1) return hits[0]!
    if (hits.length > 1) throw new PodctlError('AMBIGUOUS_ID', `more than one result for network ID ${nameOrId}`)
  }
  throw new PodctlError('NO_SUCH_NETWORK', `unable to find network with name or ID ${nameOrId}: network not found`)
}

