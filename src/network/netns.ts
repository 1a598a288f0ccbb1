import fs from 'node:fs/promises'
import path from 'node:path'

import { errorMessage, PodctlError } from '../errors.js'
import { lastErrno, loadLibc, MNT_DETACH } from '../libc.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'

const EINVAL = 22
const ENOENT = 2
const NETNS_TIMEOUT_MS = 30_000

export function netnsDir (runroot: string): string {
  return path.join(runroot, 'netns')
}

export function netnsPathFor (runroot: string, containerId: string): string {
  return path.join(netnsDir(runroot), containerId)
}

// Creates a new network namespace bind-mounted on `file` (util-linux unshare --net=FILE)
// with loopback up. Fails if the file already exists; removes what it made on failure.
export async function createNetns (file: string, signal?: AbortSignal): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 })
  const handle = await fs.open(file, 'wx', 0o444).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new PodctlError('NETWORK_FAILED', `network namespace ${file} already exists`)
    throw err
  })
  await handle.close()
  try {
    await run('unshare', [`--net=${file}`, 'ip', 'link', 'set', 'lo', 'up'], signal)
  } catch (err) {
    await removeNetns(file)
    throw err
  }
}

// Unmounts and deletes a netns file; a file already gone or never mounted is success.
export async function removeNetns (file: string): Promise<void> {
  const libc = loadLibc()
  if (libc.umount2(file, MNT_DETACH) !== 0) {
    const errno = lastErrno()
    if (errno !== EINVAL && errno !== ENOENT) throw new PodctlError('NETWORK_FAILED', `unmounting network namespace ${file} failed (errno ${errno})`)
  }
  await fs.rm(file, { force: true })
}

// True when `file` is a mounted network namespace (not just an empty placeholder file).
export async function isNetnsMounted (file: string): Promise<boolean> {
  try {
    const [st, parent] = await Promise.all([fs.stat(file), fs.stat(path.dirname(file))])
    // A bind-mounted nsfs inode lives on another device than the dir holding it.
    return st.dev !== parent.dev
  } catch {
    return false
  }
}

async function run (cmd: string, args: string[], signal: AbortSignal | undefined): Promise<void> {
  try {
    await runProcess(cmd, args, { timeoutMs: NETNS_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    const why = isProcessError(err) ? err.stderr.trim() || err.message : errorMessage(err)
    throw new PodctlError('NETWORK_FAILED', `creating network namespace failed: ${cmd} ${args.join(' ')}: ${why}`, { cause: err })
  }
}
