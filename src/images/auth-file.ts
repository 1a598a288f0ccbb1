import fs from 'node:fs'
import path from 'node:path'

import { PodctlError } from '../errors.js'

// The auth file a pull uses, chosen as Podman 4.3 does: --authfile, else REGISTRY_AUTH_FILE,
// else $DOCKER_CONFIG/config.json. None of them: skopeo looks in containers/image's default
// places (${XDG_RUNTIME_DIR}/containers/auth.json, ~/.docker/config.json, …), as Podman does.
export function resolveAuthFile (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag !== undefined && flag !== '') return flag
  const fromEnv = env['REGISTRY_AUTH_FILE']
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const dockerConfig = env['DOCKER_CONFIG']
  if (dockerConfig !== undefined && dockerConfig !== '') return path.join(dockerConfig, 'config.json')
  return undefined
}

// Go's wording of the errno, as in Podman's "stat FILE: no such file or directory".
const GO_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
}

// Podman stats the chosen auth file before it contacts a registry, and fails (exit 125) when
// it is not there.
export function checkAuthFile (file: string | undefined): void {
  if (file === undefined) return
  try {
    fs.statSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new PodctlError('INVALID_ARGUMENT', `stat ${file}: ${GO_ERRNO[code] ?? (err as Error).message}`)
  }
}
