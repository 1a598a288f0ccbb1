import fs from 'node:fs'

import { PodctlError } from '../errors.js'

// How a command treats an ID file it cannot read: abort (rm), or report it and go on with
// the other targets (pod rm, stop, kill). `ignore` (-i) skips a missing file either way.
export interface IdFileOptions {
  // The error's prefix, Podman's per command: 'reading CIDFile', 'reading pod ID file'.
  what: string
  ignore: boolean
  onError: 'throw' | 'collect'
}

function whyUnreadable (err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES') return 'permission denied'
  if (code === 'EISDIR') return 'is a directory'
  return (err as Error).message
}

// The first line of each ID file (`--cidfile`, `--pod-id-file`), in order.
export function readIdFiles (files: readonly string[], o: IdFileOptions): { ids: string[], errors: PodctlError[] } {
  const ids: string[] = []
  const errors: PodctlError[] = []
  for (const f of files) {
    try {
      ids.push(fs.readFileSync(f, 'utf8').split('\n')[0]!.trim())
    } catch (err) {
      if (o.ignore && (err as NodeJS.ErrnoException).code === 'ENOENT') continue
      const e = new PodctlError('INVALID_ARGUMENT', `${o.what}: open ${f}: ${whyUnreadable(err)}`, { cause: err })
      if (o.onError === 'throw') throw e
      errors.push(e)
    }
  }
  return { ids, errors }
}
