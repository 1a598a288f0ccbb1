import { PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'

// skopeo is the transport: registries.conf (mirrors, blocking, insecure), auth files,
// certificates and Podman's own error wording come with it. podctl hands it fully
// qualified references only.

const COPY_TIMEOUT_MS = 30 * 60_000

export interface CopyOptions {
  tlsVerify?: boolean
  authfile?: string
  // os/arch[/variant] for a manifest list.
  platform?: string
  // Where skopeo keeps blobs for an oci: destination (one store shared by every image).
  sharedBlobDir?: string
  // Which side the tls/auth options are for.
  remote: 'src' | 'dest'
  extraArgs?: string[]
}

export function platformArgs (platform: string | undefined): string[] {
  if (platform === undefined || platform === '') return []
  const [os, arch, variant, ...rest] = platform.split('/')
  if (os === undefined || os === '' || arch === undefined || arch === '' || rest.length > 0) {
    throw new PodctlError('INVALID_ARGUMENT', `invalid platform syntax for --platform=${JSON.stringify(platform)}: use OS/ARCH[/VARIANT]`)
  }
  return ['--override-os', os, '--override-arch', arch, ...(variant === undefined || variant === '' ? [] : ['--override-variant', variant])]
}

// skopeo reports a failure as logrus' `level=fatal msg="…"`: the message, unquoted.
export function skopeoMessage (stderr: string): string {
  const lines = stderr.trim().split('\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /level=fatal msg=("(?:[^"\\]|\\.)*")/.exec(lines[i]!)
    if (m !== null) {
      try { return JSON.parse(m[1]!) as string } catch { return m[1]!.slice(1, -1) }
    }
  }
  return stderr.trim()
}

// skopeo copy SRC DEST; its progress lines are returned. A failure carries skopeo's message.
export async function skopeoCopy (host: Host, src: string, dest: string, o: CopyOptions): Promise<string> {
  // skopeo 1.9 does not read CONTAINERS_REGISTRIES_CONF itself; Podman does, so podctl
  // hands it on.
  const conf = process.env['CONTAINERS_REGISTRIES_CONF']
  const args = [...(conf === undefined || conf === '' ? [] : ['--registries-conf', conf]), 'copy', '--retry-times', '0']
  if (o.remote === 'src') {
    if (o.tlsVerify === false) args.push('--src-tls-verify=false')
    if (o.authfile !== undefined) args.push('--src-authfile', o.authfile)
  } else {
    if (o.tlsVerify === false) args.push('--dest-tls-verify=false')
    if (o.authfile !== undefined) args.push('--dest-authfile', o.authfile)
  }
  if (o.sharedBlobDir !== undefined) args.push(o.remote === 'src' ? '--dest-shared-blob-dir' : '--src-shared-blob-dir', o.sharedBlobDir)
  args.push(...platformArgs(o.platform), ...(o.extraArgs ?? []), src, dest)
  try {
    const { stdout } = await runProcess('skopeo', args, { timeoutMs: COPY_TIMEOUT_MS, signal: host.signal })
    return stdout
  } catch (err) {
    if (!isProcessError(err)) throw err
    if (err.code === 'ENOENT') throw new PodctlError('STORAGE_FAILED', 'skopeo: executable file not found in $PATH', { hint: 'install the Debian package skopeo (scripts/install-deps.sh)' })
    if (err.isCanceled) throw new PodctlError('INTERRUPTED', `copying ${src}: interrupted`)
    if (err.timedOut) throw new PodctlError('STORAGE_FAILED', `copying ${src}: timed out after ${COPY_TIMEOUT_MS} ms`)
    throw new PodctlError('STORAGE_FAILED', skopeoMessage(err.stderr))
  }
}
