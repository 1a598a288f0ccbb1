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

export interface Platform { os?: string, arch?: string, variant?: string }

// --platform OS/ARCH[/VARIANT] as Podman reads it: an empty part (or a missing ARCH/VARIANT)
// means the host's; "linux" alone is the host's architecture on linux.
export function parsePlatform (platform: string | undefined): Platform {
  if (platform === undefined || platform === '') return {}
  const [os = '', arch = '', variant = '', ...rest] = platform.split('/')
  if (rest.length > 0) throw new PodctlError('INVALID_ARGUMENT', `invalid platform syntax for --platform=${JSON.stringify(platform)}: use OS/ARCH[/VARIANT]`)
  return { ...(os === '' ? {} : { os }), ...(arch === '' ? {} : { arch }), ...(variant === '' ? {} : { variant }) }
}

// --platform with Podman's --os/--arch/--variant: --platform conflicts with --os and --arch;
// --variant fills in a variant --platform leaves out.
export function composePlatform (o: { platform?: string, os?: string, arch?: string, variant?: string }): string | undefined {
  const given = (v: string | undefined): v is string => v !== undefined && v !== ''
  if (given(o.platform)) {
    if (given(o.os) || given(o.arch)) throw new PodctlError('INVALID_ARGUMENT', '--platform option can not be specified with --arch or --os')
    const p = parsePlatform(o.platform)
    if (p.variant !== undefined || !given(o.variant)) return o.platform
    return `${p.os ?? ''}/${p.arch ?? ''}/${o.variant}`
  }
  if (!given(o.os) && !given(o.arch) && !given(o.variant)) return undefined
  return `${o.os ?? ''}/${o.arch ?? ''}/${o.variant ?? ''}`
}

export function platformArgs (platform: string | undefined): string[] {
  const p = parsePlatform(platform)
  return [
    ...(p.os === undefined ? [] : ['--override-os', p.os]),
    ...(p.arch === undefined ? [] : ['--override-arch', p.arch]),
    ...(p.variant === undefined ? [] : ['--override-variant', p.variant]),
  ]
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

function globalArgs (): string[] {
  // skopeo 1.9 does not read CONTAINERS_REGISTRIES_CONF itself; Podman does, so podctl
  // hands it on.
  const conf = process.env['CONTAINERS_REGISTRIES_CONF']
  return conf === undefined || conf === '' ? [] : ['--registries-conf', conf]
}

function failure (err: unknown, what: string, timeoutMs: number): unknown {
  if (!isProcessError(err)) return err
  if (err.code === 'ENOENT') return new PodctlError('STORAGE_FAILED', 'skopeo: executable file not found in $PATH', { hint: 'install the Debian package skopeo (scripts/install-deps.sh)' })
  if (err.isCanceled) return new PodctlError('INTERRUPTED', `${what}: interrupted`)
  if (err.timedOut) return new PodctlError('STORAGE_FAILED', `${what}: timed out after ${timeoutMs} ms`)
  return new PodctlError('STORAGE_FAILED', skopeoMessage(err.stderr))
}

// skopeo copy SRC DEST; its progress lines are returned. A failure carries skopeo's message.
export async function skopeoCopy (host: Host, src: string, dest: string, o: CopyOptions): Promise<string> {
  const args = [...globalArgs(), 'copy', '--retry-times', '0']
  const side = o.remote === 'src' ? '--src' : '--dest'
  if (o.tlsVerify === false) args.push(`${side}-tls-verify=false`)
  if (o.authfile !== undefined) args.push(`${side}-authfile`, o.authfile)
  if (o.sharedBlobDir !== undefined) args.push(o.remote === 'src' ? '--dest-shared-blob-dir' : '--src-shared-blob-dir', o.sharedBlobDir)
  args.push(...platformArgs(o.platform), ...(o.extraArgs ?? []), src, dest)
  try {
    const { stdout } = await runProcess('skopeo', args, { timeoutMs: COPY_TIMEOUT_MS, signal: host.signal })
    return stdout
  } catch (err) {
    throw failure(err, `copying ${src}`, COPY_TIMEOUT_MS)
  }
}

const INSPECT_TIMEOUT_MS = 5 * 60_000

// The registry's current manifest for ref (docker://…), as served: one manifest request, no
// blobs. A manifest list or OCI index comes back as the list.
export async function skopeoInspectRaw (host: Host, ref: string, o: { tlsVerify?: boolean, authfile?: string }, config = false): Promise<Buffer> {
  const args = [...globalArgs(), 'inspect', ...(config ? ['--config'] : []), '--raw', '--retry-times', '0']
  if (o.tlsVerify === false) args.push('--tls-verify=false')
  if (o.authfile !== undefined) args.push('--authfile', o.authfile)
  args.push(ref)
  try {
    const { stdout } = await runProcess('skopeo', args, { timeoutMs: INSPECT_TIMEOUT_MS, signal: host.signal })
    return Buffer.from(stdout, 'utf8')
  } catch (err) {
    throw failure(err, `inspecting ${ref}`, INSPECT_TIMEOUT_MS)
  }
}

// The image's config blob as the registry has it (ref names an image manifest: by digest).
export async function skopeoInspectConfigRaw (host: Host, ref: string, o: { tlsVerify?: boolean, authfile?: string }): Promise<Buffer> {
  return await skopeoInspectRaw(host, ref, o, true)
}
