import { createHash } from 'node:crypto'

import type { Platform } from './skopeo.js'

// What podctl reads of a registry's manifest itself: its digest, and for a manifest list or
// OCI index, whether one instance is unambiguously the one skopeo (containers/image) would
// pick for a platform. The pick itself stays skopeo's; this only lets a re-pull see that
// the image it would fetch is the one already stored.

const LIST_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'])

export function manifestDigest (raw: Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`
}

interface ListEntry { digest: string, platform: { os: string, architecture: string, variant: string } | undefined }

// The entries of a manifest list or OCI index; undefined for an image manifest (or anything
// that is not JSON).
export function listEntries (raw: Buffer): ListEntry[] | undefined {
  let v: unknown
  try { v = JSON.parse(raw.toString('utf8')) } catch { return undefined }
  if (typeof v !== 'object' || v === null) return undefined
  const m = v as { mediaType?: unknown, manifests?: unknown }
  if (!Array.isArray(m.manifests) || (m.mediaType !== undefined && !LIST_TYPES.has(String(m.mediaType)))) return undefined
  return m.manifests.flatMap((d: unknown): ListEntry[] => {
    const e = d as { digest?: unknown, platform?: { os?: unknown, architecture?: unknown, variant?: unknown } } | null
    if (typeof e !== 'object' || e === null || typeof e.digest !== 'string') return []
    const p = e.platform
    return [{
      digest: e.digest,
      platform: typeof p === 'object' && p !== null ? { os: String(p.os ?? ''), architecture: String(p.architecture ?? ''), variant: String(p.variant ?? '') } : undefined,
    }]
  })
}

// Go's GOARCH for Node's process.arch.
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' }

export function hostPlatform (): { os: string, arch: string } {
  return { os: process.platform, arch: GO_ARCH[process.arch] ?? process.arch }
}

// The instance for the wanted platform (the host's where not given) when exactly one entry
// has that OS and architecture and a variant containers/image accepts for it (the one asked
// for; none, or arm64's only variant v8, when none is asked for). Otherwise undefined, and
// the caller leaves the choice to skopeo.
export function unambiguousInstance (entries: readonly ListEntry[], wanted: Platform): string | undefined {
  const host = hostPlatform()
  const os = wanted.os ?? host.os
  const arch = wanted.arch ?? host.arch
  if (wanted.variant === undefined && arch === 'arm') return undefined
  const same = entries.filter(e => e.platform?.os === os && e.platform.architecture === arch)
  if (same.length !== 1) return undefined
  const variant = same[0]!.platform!.variant
  const accepted = wanted.variant === undefined ? variant === '' || (arch === 'arm64' && variant === 'v8') : variant === wanted.variant
  return accepted ? same[0]!.digest : undefined
}
