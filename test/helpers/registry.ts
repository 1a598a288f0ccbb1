import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { buildBusyboxRootfs } from './busybox-rootfs.js'
import type { Credentials, TokenServer } from './registry-auth.js'
import { htpasswdLine } from './registry-auth.js'

// A real local registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1, and images
// built with umoci from the static busybox, pushed with skopeo. Nothing leaves 127.0.0.1.

export interface LocalRegistry {
  // "127.0.0.1:PORT"
  host: string
  port: number
  dir: string
  stop: () => Promise<void>
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => { if (a !== null && typeof a === 'object') resolve(a.port); else reject(new Error('no port')) })
    })
  })
}

// Who may use the registry: htpasswd users (Basic auth), or bearer tokens from a token
// server (registry-auth.ts) whose certificate the registry trusts. Default: anyone.
export type RegistryAuth = { htpasswd: Credentials[] } | { token: TokenServer }

function authConfig (dir: string, auth: RegistryAuth | undefined): string[] {
  if (auth === undefined) return []
  if ('htpasswd' in auth) {
    const file = path.join(dir, 'htpasswd')
    fs.writeFileSync(file, auth.htpasswd.map(u => `${htpasswdLine(u)}\n`).join(''))
    return ['auth:', '  htpasswd:', '    realm: podctl-test', `    path: ${file}`]
  }
  const t = auth.token
  return ['auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.certFile}`]
}

// Starts `docker-registry serve CONFIG` with filesystem storage under a temp dir and waits
// until GET /v2/ answers (200, or 401 with auth). stop() ends it by its PID and removes the dir.
export async function startRegistry (opts: { auth?: RegistryAuth } = {}): Promise<LocalRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-registry-'))
  const port = await freePort()
  const config = path.join(dir, 'config.yml')
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', `  addr: 127.0.0.1:${port}`, ...authConfig(dir, opts.auth), '',
  ].join('\n'))
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += String(d) })
  const pid = child.pid
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try { process.kill(pid, 'SIGTERM') } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }, 3000)
      await exited
      clearTimeout(t)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`)
      if (res.status === (opts.auth === undefined ? 200 : 401)) return { host: `127.0.0.1:${port}`, port, dir, stop }
    } catch { /* not yet */ }
    await sleep(25)
  }
  await stop()
  throw new Error(`docker-registry did not start: ${stderr}`)
}

function run (file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

// An OCI layout dir being built with umoci. Each layer step unpacks, lets fn change the
// rootfs, and repacks (umoci adds whiteouts for what fn deleted).
export class OciImageBuilder {
  readonly dir: string
  private readonly layout: string
  private readonly tag = 'latest'

  // from: start as a copy of that image (its layers and config), else empty.
  constructor (from?: OciImageBuilder) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-oci-'))
    this.layout = path.join(this.dir, 'layout')
    if (from !== undefined) {
      run('cp', ['-a', from.layout, this.layout])
      return
    }
    run('umoci', ['init', '--layout', this.layout])
    run('umoci', ['new', '--image', this.ref()])
  }

  ref (): string { return `${this.layout}:${this.tag}` }

  // A layer made by changing the unpacked rootfs (fn gets the rootfs path).
  layer (fn: (rootfs: string) => void): this {
    const bundle = path.join(this.dir, 'bundle')
    run('umoci', ['unpack', '--image', this.ref(), bundle])
    fn(path.join(bundle, 'rootfs'))
    run('umoci', ['repack', '--image', this.ref(), bundle])
    fs.rmSync(bundle, { recursive: true, force: true })
    return this
  }

  // The busybox rootfs of test/helpers/busybox-rootfs.ts as one layer.
  busybox (): this {
    const src = buildBusyboxRootfs()
    try {
      return this.layer(rootfs => { run('cp', ['-a', `${src}/.`, rootfs]) })
    } finally {
      fs.rmSync(src, { recursive: true, force: true })
    }
  }

  // A hand-made layer from a tar file (whiteouts, opaque dirs, hostile names).
  rawLayer (tarFile: string): this {
    run('umoci', ['raw', 'add-layer', '--image', this.ref(), tarFile])
    return this
  }

  // umoci config flags, e.g. ['--config.entrypoint', 'sh', '--config.cmd', 'x'].
  config (args: string[]): this {
    run('umoci', ['config', '--image', this.ref(), ...args])
    return this
  }

  // Pushes to a registry as NAME:TAG (with authfile's credentials; format v2s2: as a Docker
  // schema 2 manifest, which skopeo converts to OCI on the way into podctl); returns the
  // pushed reference.
  push (registry: LocalRegistry, nameTag: string, o: { authfile?: string, format?: 'v2s2' } = {}): string {
    const dest = `${registry.host}/${nameTag}`
    run('skopeo', ['copy', '-q', ...(o.authfile === undefined ? [] : ['--dest-authfile', o.authfile]), ...(o.format === undefined ? [] : ['--format', o.format]),
      `oci:${this.ref()}`, `docker://${dest}`, '--dest-tls-verify=false'])
    return dest
  }

  // Writes an archive (docker-archive or oci-archive) of this image named NAME:TAG.
  archive (file: string, format: 'docker-archive' | 'oci-archive', nameTag: string): string {
    run('skopeo', ['copy', '-q', `oci:${this.ref()}`, `${format}:${file}:${nameTag}`])
    return file
  }

  remove (): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

export interface IndexEntry { image: OciImageBuilder, platform: { os: string, architecture: string, variant?: string } }

// Pushes an OCI image index (a multi-platform "manifest list") of the entries' images as
// NAME:TAG: the images are copied into one layout, the index written by hand beside them,
// and all of it pushed with `skopeo copy --all`. Returns the pushed reference and the
// digests of the index and of each entry's manifest.
export function pushIndex (registry: LocalRegistry, nameTag: string, entries: IndexEntry[]): { ref: string, index: string, manifests: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-index-'))
  try {
    const layout = path.join(dir, 'layout')
    const manifests = entries.map((e, i) => {
      run('skopeo', ['copy', '-q', `oci:${e.image.ref()}`, `oci:${layout}:p${i}`])
      const idx = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string, size: number, mediaType: string, annotations?: Record<string, string> }[] }
      const d = idx.manifests.find(m => m.annotations?.['org.opencontainers.image.ref.name'] === `p${i}`)!
      return { mediaType: d.mediaType, digest: d.digest, size: d.size, platform: e.platform }
    })
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }))
    const digest = `sha256:${crypto.createHash('sha256').update(index).digest('hex')}`
    fs.writeFileSync(path.join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)), index)
    fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'index' } }],
    }))
    const ref = `${registry.host}/${nameTag}`
    run('skopeo', ['copy', '-q', '--all', `oci:${layout}:index`, `docker://${ref}`, '--dest-tls-verify=false'])
    return { ref, index: digest, manifests: manifests.map(m => m.digest) }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

// A tar file from entries written by GNU tar of a staged dir: names are kept as given
// (relative, with whiteout names such as .wh.foo or .wh..wh..opq).
export function tarOfDir (dir: string, file: string): string {
  run('tar', ['-cf', file, '-C', dir, '--numeric-owner', '--xattrs', '.'])
  return file
}

// Runs fn with a fresh registry, stopped (by PID) and removed afterwards even on failure.
export async function withRegistry<T> (fn: (r: LocalRegistry) => Promise<T>, opts: { auth?: RegistryAuth } = {}): Promise<T> {
  const r = await startRegistry(opts)
  try {
    return await fn(r)
  } finally {
    await r.stop()
  }
}

// Runs fn with an image builder whose dir is removed afterwards.
export async function withImage<T> (fn: (b: OciImageBuilder) => Promise<T>): Promise<T> {
  const b = new OciImageBuilder()
  try {
    return await fn(b)
  } finally {
    b.remove()
  }
}
