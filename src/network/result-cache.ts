import fs from 'node:fs/promises'
import path from 'node:path'

import { removeFileDurable, writeFileAtomic } from '../storage/atomic-file.js'

// libcni's cached ADD result, at <cacheDir>/results/<network>-<containerID>-<ifname>.
export interface CachedAttachment {
  kind: 'cniCacheV1'
  containerId: string
  // The conflist bytes as ADD used them, base64 like Go's []byte.
  config: string
  ifName: string
  networkName: string
  cniArgs?: [string, string][]
  // runtimeConfig handed to plugins declaring the capability (libcni's field name).
  capabilityArgs?: Record<string, unknown>
  result: Record<string, unknown>
}

export function resultsDir (cacheDir: string): string {
  return path.join(cacheDir, 'results')
}

export function cacheFileFor (cacheDir: string, network: string, containerId: string, ifname: string): string {
  return path.join(resultsDir(cacheDir), `${network}-${containerId}-${ifname}`)
}

export async function writeCachedAttachment (cacheDir: string, entry: CachedAttachment): Promise<void> {
  await fs.mkdir(resultsDir(cacheDir), { recursive: true, mode: 0o700 })
  await writeFileAtomic(cacheFileFor(cacheDir, entry.networkName, entry.containerId, entry.ifName), JSON.stringify(entry), 0o600)
}

export async function removeCachedAttachment (cacheDir: string, network: string, containerId: string, ifname: string): Promise<void> {
  await removeFileDurable(cacheFileFor(cacheDir, network, containerId, ifname))
}

function parseEntry (text: string): CachedAttachment | undefined {
  try {
    const e = JSON.parse(text) as Partial<CachedAttachment>
    if (typeof e.containerId !== 'string' || typeof e.ifName !== 'string' || typeof e.networkName !== 'string') return undefined
    if (typeof e.result !== 'object' || e.result === null) return undefined
    return e as CachedAttachment
  } catch {
    return undefined
  }
}

// Cached entries whose file name fits `filter` (a cheap pre-check) and whose content parses.
export async function readCachedAttachments (cacheDir: string, filter: (fileName: string) => boolean): Promise<CachedAttachment[]> {
  let names: string[]
  try {
    names = await fs.readdir(resultsDir(cacheDir))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const out: CachedAttachment[] = []
  for (const name of names.filter(n => !n.startsWith('.') && filter(n))) {
    const text = await fs.readFile(path.join(resultsDir(cacheDir), name), 'utf8').catch(() => undefined)
    const entry = text === undefined ? undefined : parseEntry(text)
    if (entry !== undefined) out.push(entry)
  }
  return out
}

export function cachedConfigText (entry: CachedAttachment): string | undefined {
  try {
    return Buffer.from(entry.config, 'base64').toString('utf8')
  } catch {
    return undefined
  }
}
