import { invalidArgument } from '../errors.js'
import type { Host } from '../host.js'
import { getImage, listImages, listImageUsers, resolveImage } from '../state/image-rows.js'
import type { ImageRecord } from '../state/types.js'
import type { FilterTable, Predicate } from '../targets/filters.js'
import { compileFilters, groupFilters, matchAllLabels, matchAnyPrefix } from '../targets/filters.js'

// Podman's image output shapes: `images` rows and JSON, `image inspect`.

export function imageLabels (i: ImageRecord): Record<string, string> {
  const l = (i.config?.['config'] as { Labels?: unknown } | undefined)?.Labels
  return typeof l === 'object' && l !== null ? l as Record<string, string> : {}
}

// go-units' HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits.
export function humanSize (size: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']
  let i = 0
  let v = size
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++ }
  return `${Number(v.toPrecision(3))} ${units[i]!}`
}

// repository and tag of a name; "<none>" for a dangling image.
export function splitName (name: string): { repository: string, tag: string } {
  if (name === '') return { repository: '<none>', tag: '<none>' }
  const at = name.indexOf('@')
  if (at >= 0) return { repository: name.slice(0, at), tag: '<none>' }
  const colon = name.lastIndexOf(':')
  return colon > name.lastIndexOf('/') ? { repository: name.slice(0, colon), tag: name.slice(colon + 1) } : { repository: name, tag: 'latest' }
}

interface FilterEnv { created: (ref: string) => number, inUse: (id: string) => boolean }

// Podman's reference filter: a glob over the full name, or over the name without its
// registry, or the repository alone.
function globMatch (pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`)
  return re.test(s)
}

function referenceMatches (i: ImageRecord, pattern: string): boolean {
  const p = pattern.includes(':') && pattern.lastIndexOf(':') > pattern.lastIndexOf('/') ? pattern : `${pattern}`
  return (i.names ?? []).some(n => {
    const { repository } = splitName(n)
    const tail = n.slice(n.indexOf('/') + 1)
    const tailRepo = repository.slice(repository.indexOf('/') + 1)
    const candidates = [n, tail, n.slice(n.lastIndexOf('/') + 1), repository, tailRepo, repository.slice(repository.lastIndexOf('/') + 1)]
    return candidates.some(c => globMatch(p, c))
  })
}

const bool = (key: string, v: string): boolean => {
  if (v === 'true') return true
  if (v === 'false') return false
  throw invalidArgument(`invalid filter ${key}=${v}: must be true or false`)
}

const IMAGE_FILTERS: FilterTable<ImageRecord, FilterEnv> = {
  keys: {
    dangling: values => i => values.every(v => bool('dangling', v) === ((i.names ?? []).length === 0)),
    reference: values => i => values.some(v => referenceMatches(i, v)),
    label: values => i => matchAllLabels(values, imageLabels(i)),
    id: values => i => matchAnyPrefix(i.id, values.map(v => v.replace(/^sha256:/, ''))),
    before: (values, env) => { const t = Math.min(...values.map(env.created)); return i => i.createdAt < t },
    since: (values, env) => { const t = Math.max(...values.map(env.created)); return i => i.createdAt > t },
    containers: (values, env) => i => values.every(v => bool('containers', v) === env.inUse(i.id)),
  },
  unknownKey: key => invalidArgument(`${key} is an invalid filter`),
}

export function listImagesMatching (host: Host, filters: readonly string[]): ImageRecord[] {
  const { store } = host
  return store.read(() => {
    const byKey = groupFilters(filters, f => invalidArgument(`invalid image filter "${f}": must be in the format "filter=value"`))
    const pred: Predicate<ImageRecord> = compileFilters(byKey, IMAGE_FILTERS, {
      created: ref => resolveImage(store, ref).createdAt,
      inUse: id => listImageUsers(store, id).length > 0,
    })
    return listImages(store).filter(pred)
  })
}

// Podman's Digest: what the first pull named (a list's digest), else the manifest's.
export function displayDigest (i: ImageRecord): string {
  return i.sourceDigest ?? i.digest ?? ''
}

// `images --format json` as Podman 4.3 prints it: one entry per name (an image with two
// names is listed twice, as in the table), RepoTags null (Podman 4.3 fills it only for
// templates), Names left out and Dangling: true for an image without names, History the
// names newest first.
export function imageListJson (host: Host, images: readonly ImageRecord[]): Record<string, unknown>[] {
  return host.store.read(() => images.flatMap(i => {
    const names = i.names ?? []
    const labels = imageLabels(i)
    const entry = {
      Id: i.id, ParentId: '', RepoTags: null, RepoDigests: i.repoDigests ?? [], Size: i.size, SharedSize: 0, VirtualSize: i.size,
      Labels: Object.keys(labels).length === 0 ? null : labels, Containers: listImageUsers(host.store, i.id).length,
      ...(names.length === 0 ? { Dangling: true } : { Names: names }),
      Digest: displayDigest(i), History: [...names].reverse(),
      Created: Math.floor(i.createdAt / 1000), CreatedAt: new Date(i.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    }
    return Array.from({ length: Math.max(1, names.length) }, () => entry)
  }))
}

// `image inspect`: Podman's field names.
export function inspectImage (i: ImageRecord): Record<string, unknown> {
  const cfg = i.config ?? {}
  const conf = (typeof cfg['config'] === 'object' && cfg['config'] !== null ? cfg['config'] : {}) as Record<string, unknown>
  const labels = imageLabels(i)
  return {
    Id: i.id,
    Digest: displayDigest(i),
    RepoTags: i.names ?? [],
    RepoDigests: i.repoDigests ?? [],
    Parent: '',
    Comment: typeof cfg['comment'] === 'string' ? cfg['comment'] : '',
    Created: typeof cfg['created'] === 'string' ? cfg['created'] : new Date(i.createdAt).toISOString(),
    Config: conf,
    Version: '',
    Author: typeof cfg['author'] === 'string' ? cfg['author'] : '',
    Architecture: typeof cfg['architecture'] === 'string' ? cfg['architecture'] : process.arch === 'x64' ? 'amd64' : process.arch,
    Os: typeof cfg['os'] === 'string' ? cfg['os'] : 'linux',
    Size: i.size,
    VirtualSize: i.size,
    RootFS: { Type: 'layers', Layers: (i.layers ?? []).map(l => l.diffId) },
    Labels: Object.keys(labels).length === 0 ? null : labels,
    Annotations: {},
    ManifestType: (i.layers ?? []).length > 0 ? 'application/vnd.oci.image.manifest.v1+json' : '',
    User: typeof conf['User'] === 'string' ? conf['User'] : '',
    History: Array.isArray(cfg['history']) ? cfg['history'] : [],
    NamesHistory: i.names ?? [],
  }
}

export function inspectImages (host: Host, refs: readonly string[]): { views: Record<string, unknown>[], errors: unknown[] } {
  const views: Record<string, unknown>[] = []
  const errors: unknown[] = []
  host.store.read(() => {
    for (const r of refs) {
      try { views.push(inspectImage(getImage(host.store, resolveImage(host.store, r).id)!)) } catch (err) { errors.push(err) }
    }
  })
  return { views, errors }
}
