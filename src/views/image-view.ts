import { invalidArgument } from '../errors.js'
import type { Host } from '../host.js'
import { getImage, listImages, listImageUsers, resolveImage } from '../state/image-rows.js'
import { isDangling, isIntermediate } from '../images/image-children.js'
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

interface FilterEnv { created: (ref: string) => number, inUse: (id: string) => boolean, dangling: (i: ImageRecord) => boolean }

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
    dangling: (values, env) => i => values.every(v => bool('dangling', v) === env.dangling(i)),
    reference: values => i => values.some(v => referenceMatches(i, v)),
    label: values => i => matchAllLabels(values, imageLabels(i)),
    id: values => i => matchAnyPrefix(i.id, values.map(v => v.replace(/^sha256:/, ''))),
    before: (values, env) => { const t = Math.min(...values.map(env.created)); return i => i.createdAt < t },
    since: (values, env) => { const t = Math.max(...values.map(env.created)); return i => i.createdAt > t },
    containers: (values, env) => i => values.every(v => bool('containers', v) === env.inUse(i.id)),
  },
  unknownKey: key => invalidArgument(`${key} is an invalid filter`),
}

// all: intermediate images too (without names, with a child image), as `images -a`.
export function listImagesMatching (host: Host, filters: readonly string[], o: { all?: boolean } = {}): ImageRecord[] {
  const { store } = host
  return store.read(() => {
    const images = listImages(store)
    const byKey = groupFilters(filters, f => invalidArgument(`invalid image filter "${f}": must be in the format "filter=value"`))
    const pred: Predicate<ImageRecord> = compileFilters(byKey, IMAGE_FILTERS, {
      created: ref => resolveImage(store, ref).createdAt,
      inUse: id => listImageUsers(store, id).length > 0,
      dangling: i => isDangling(i, images),
    })
    return images.filter(i => (o.all !== false || !isIntermediate(i, images)) && pred(i))
  })
}

// The manifest digests the image is known by, as Podman's image Digests: the registry's
// (recorded per pull, a list's and its instance's, and another manifest's of the same config
// pulled or loaded later), the Digest shown, and the stored manifest's.
export function imageDigests (i: ImageRecord): string[] {
  const recorded = (i.repoDigests ?? []).map(rd => rd.slice(rd.indexOf('@') + 1))
  // An image stored before schema 5 from a Docker schema 2 manifest: its stored manifest is
  // skopeo's conversion, which no registry has.
  const converted = i.sourceDigest !== undefined && recorded.length > 0 && !recorded.includes(i.digest ?? '')
  const all = [i.sourceDigest, ...recorded, ...(converted ? [] : [i.digest])]
  return [...new Set(all.filter((d): d is string => d !== undefined && d !== ''))]
}

// RepoDigests as Podman derives them: every name's repository with every digest of the
// image, sorted. An image without names (its tag moved to another image) has none.
export function displayRepoDigests (i: ImageRecord): string[] {
  const out = new Set<string>()
  const digests = imageDigests(i)
  for (const n of i.names ?? []) {
    const { repository } = splitName(n)
    for (const d of digests) out.add(`${repository}@${d}`)
  }
  return [...out].sort()
}

// Podman's table rows of an image: one per tagged name; an image with only repo@digest
// names shows the first of those (tag <none>); one without names, '' (<none> <none>).
export function rowNames (i: ImageRecord): string[] {
  const names = i.names ?? []
  const tagged = names.filter(n => !n.includes('@'))
  if (tagged.length > 0) return tagged
  return [names[0] ?? '']
}

// The names the image ever had, newest first (c/storage's NamesHistory).
export function namesHistory (i: ImageRecord): string[] {
  return i.namesHistory ?? [...(i.names ?? [])].reverse()
}

// Podman's Digest: what the first pull named (a list's digest), else the manifest's.
export function displayDigest (i: ImageRecord): string {
  return i.sourceDigest ?? i.digest ?? ''
}

// `images --format json` as Podman 4.3 prints it: one entry per table row (an image with two
// tags is listed twice), RepoTags null (Podman 4.3 fills it only for templates), Names left
// out and Dangling: true for an image without names, History the names it ever had, newest
// first (a dangling image keeps the names it lost).
export function imageListJson (host: Host, images: readonly ImageRecord[]): Record<string, unknown>[] {
  const all = host.store.read(() => listImages(host.store))
  return host.store.read(() => images.flatMap(i => {
    const names = i.names ?? []
    const labels = imageLabels(i)
    const entry = {
      Id: i.id, ParentId: '', RepoTags: null, RepoDigests: displayRepoDigests(i), Size: i.size, SharedSize: 0, VirtualSize: i.size,
      Labels: Object.keys(labels).length === 0 ? null : labels, Containers: listImageUsers(host.store, i.id).length,
      ...(isDangling(i, all) ? { Dangling: true } : {}), ...(names.length === 0 ? {} : { Names: names }),
      Digest: displayDigest(i), ...(namesHistory(i).length === 0 ? {} : { History: namesHistory(i) }),
      Created: Math.floor(i.createdAt / 1000), CreatedAt: new Date(i.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    }
    return rowNames(i).map(() => entry)
  }))
}

// The stored manifest's type, told by its layers' (Docker schema 2 layers are
// application/vnd.docker.image.rootfs.*).
function manifestType (i: ImageRecord): string {
  const first = i.layers?.[0]
  if (first === undefined) return ''
  return first.mediaType.startsWith('application/vnd.docker.') ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json'
}

// `image inspect`: Podman's field names.
export function inspectImage (i: ImageRecord): Record<string, unknown> {
  const cfg = i.config ?? {}
  const conf = (typeof cfg['config'] === 'object' && cfg['config'] !== null ? cfg['config'] : {}) as Record<string, unknown>
  const labels = imageLabels(i)
  return {
    Id: i.id,
    Digest: displayDigest(i),
    // Podman's RepoTags: the tagged names (a pull by digest's repo@digest name is not one).
    RepoTags: (i.names ?? []).filter(n => !n.includes('@')),
    RepoDigests: displayRepoDigests(i),
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
    ManifestType: manifestType(i),
    User: typeof conf['User'] === 'string' ? conf['User'] : '',
    History: Array.isArray(cfg['history']) ? cfg['history'] : [],
    NamesHistory: namesHistory(i),
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
