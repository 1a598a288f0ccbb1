import { invalidArgument } from '../errors.js'

// Image references with the grammar of distribution/reference (what Podman parses):
//   [domain/]path[:tag][@sha256:hex]
export interface ImageReference {
  // Registry host[:port], or '' for a short name.
  domain: string
  // Repository path inside the registry (docker.io's official images under library/).
  path: string
  tag?: string
  digest?: string
}

export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
export const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$|^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[a-f0-9]{64}$/
const MAX_NAME = 255

export const DOCKER_DOMAIN = 'docker.io'

function badFormat (): Error {
  return invalidArgument('invalid reference format')
}

// Whether the first component names a registry (Podman: a "." or ":", or "localhost").
export function isDomainComponent (first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost'
}

// Parses NAME[:TAG][@DIGEST]; a short name keeps domain ''. Podman's messages on failure.
export function parseReference (raw: string): ImageReference {
  if (raw === '' || raw.includes('\0') || /\s/.test(raw)) throw badFormat()
  let rest = raw
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw badFormat()
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw badFormat()
  }
  if (rest.length > MAX_NAME) throw invalidArgument(`repository name must not be more than ${MAX_NAME} characters`)
  const parts = rest.split('/')
  let domain = ''
  if (parts.length > 1 && isDomainComponent(parts[0]!)) {
    domain = parts.shift()!
    if (!DOMAIN.test(domain)) throw badFormat()
  }
  for (const p of parts) {
    if (PATH_COMPONENT.test(p)) continue
    if (PATH_COMPONENT.test(p.toLowerCase())) throw invalidArgument('repository name must be lowercase')
    throw badFormat()
  }
  return { domain, path: parts.join('/'), ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) }
}

// docker.io's normal form: index.docker.io → docker.io, a one-component path under library/.
export function normalizeDomain (ref: ImageReference): ImageReference {
  if (ref.domain === 'index.docker.io') ref = { ...ref, domain: DOCKER_DOMAIN }
  if (ref.domain === DOCKER_DOMAIN && !ref.path.includes('/')) ref = { ...ref, path: `library/${ref.path}` }
  return ref
}

// domain/path, the repository (no tag or digest).
export function repository (ref: ImageReference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`
}

// The full name: repository, then :tag and/or @digest; with neither, :latest.
export function formatReference (ref: ImageReference): string {
  const base = repository(ref)
  if (ref.digest !== undefined) return `${base}${ref.tag === undefined ? '' : `:${ref.tag}`}@${ref.digest}`
  return `${base}:${ref.tag ?? 'latest'}`
}

// The name an image is stored under (RepoTags entry): repository:tag, :latest by default.
// A by-digest reference has no tag name.
export function tagName (ref: ImageReference): string | undefined {
  if (ref.digest !== undefined && ref.tag === undefined) return undefined
  return `${repository(ref)}:${ref.tag ?? 'latest'}`
}

// The name a pull records, as Podman does: repository:tag, or repository@digest for a pull
// by digest alone.
export function pulledName (ref: ImageReference): string {
  return tagName(ref) ?? `${repository(ref)}@${ref.digest!}`
}
