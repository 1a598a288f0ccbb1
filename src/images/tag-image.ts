import { invalidArgument, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { addImageName, getImage, removeAllImageNames, removeImageName, resolveImage } from '../state/image-rows.js'
import type { ImageRecord } from '../state/types.js'
import { parseReference, tagName } from './reference.js'

// A local name as Podman stores it: a name without a registry goes under localhost/,
// :latest is the default tag. A digest is not a tag.
export function localName (raw: string): string {
  const ref = parseReference(raw)
  if (ref.digest !== undefined) throw invalidArgument(`${raw}: tag by digest not supported`)
  return tagName(ref.domain === '' ? { ...ref, domain: 'localhost' } : ref)!
}

// `tag IMAGE NAME…`: each name moves to the image.
export function tagImage (host: Host, ref: string, targets: readonly string[]): ImageRecord {
  if (targets.length === 0) throw invalidArgument('at least two arguments are required')
  const names = targets.map(localName)
  return host.store.write(() => {
    const image = resolveImage(host.store, ref)
    for (const n of names) addImageName(host.store, image.id, n)
    return getImage(host.store, image.id)!
  })
}

// `untag IMAGE [NAME…]`: the names given, or every name. A name the image lacks is an error.
export function untagImage (host: Host, ref: string, targets: readonly string[]): string[] {
  return host.store.write(() => {
    const image = resolveImage(host.store, ref)
    if (targets.length === 0) {
      removeAllImageNames(host.store, image.id)
      return image.names ?? []
    }
    const removed: string[] = []
    for (const t of targets) {
      const exact = (image.names ?? []).find(n => n === t || n === localName(t) || n === tagName(parseReference(t)))
      if (exact === undefined || !removeImageName(host.store, image.id, exact)) throw new PodctlError('INVALID_ARGUMENT', `${localName(t)}: tag not known`)
      removed.push(exact)
    }
    return removed
  })
}
