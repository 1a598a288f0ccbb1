import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { hasConflist, removeNatChainsUnder } from './nat-cleanup.js'

// Runs fn with a fresh temp dir and removes it afterwards, also when fn throws; networks
// created under it (network create installs their NAT chains) lose their chains too.
export async function withTempDir<T> (fn: (dir: string) => Promise<T> | T, prefix = 'podctl-test-'): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  try {
    return await fn(dir)
  } finally {
    if (hasConflist(dir)) {
      try { removeNatChainsUnder(dir) } catch (err) { process.stderr.write(`cleanup: ${String(err)}\n`) }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
