import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// Runs fn with a fresh temp dir and removes it afterwards, also when fn throws.
export async function withTempDir<T> (fn: (dir: string) => Promise<T> | T, prefix = 'podctl-test-'): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  try {
    return await fn(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
