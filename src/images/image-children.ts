import type { ImageRecord } from '../state/types.js'

// Podman's (c/common libimage layer tree) parent and child images: a child stacks every
// layer of its parent and at most one more, and its history is the parent's plus one
// entry. An image without names is dangling only when it has no child; one with a child
// is "intermediate", which `images` shows only with -a.

interface HistoryEntry { created?: unknown, created_by?: unknown, author?: unknown, comment?: unknown, empty_layer?: unknown }

function historyOf (i: ImageRecord): HistoryEntry[] {
  const h = i.config?.['history']
  return Array.isArray(h) ? h.filter((e): e is HistoryEntry => typeof e === 'object' && e !== null) : []
}

function sameEntry (a: HistoryEntry, b: HistoryEntry): boolean {
  const time = (v: unknown): number | undefined => typeof v === 'string' ? Date.parse(v) : undefined
  return time(a.created) === time(b.created) && a.created_by === b.created_by && a.author === b.author &&
    a.comment === b.comment && Boolean(a.empty_layer) === Boolean(b.empty_layer)
}

export function isChildOf (child: ImageRecord, parent: ImageRecord): boolean {
  if (child.id === parent.id) return false
  const p = (parent.layers ?? []).map(l => l.diffId)
  const c = (child.layers ?? []).map(l => l.diffId)
  if (p.length === 0 || (c.length !== p.length && c.length !== p.length + 1)) return false
  if (!p.every((d, n) => c[n] === d)) return false
  const ph = historyOf(parent)
  const ch = historyOf(child)
  return ph.length + 1 === ch.length && ph.every((e, n) => sameEntry(e, ch[n]!))
}

export function hasChildren (image: ImageRecord, all: readonly ImageRecord[]): boolean {
  return all.some(i => isChildOf(i, image))
}

// Podman's IsDangling: no names, and no child image.
export function isDangling (image: ImageRecord, all: readonly ImageRecord[]): boolean {
  return (image.names ?? []).length === 0 && !hasChildren(image, all)
}

export function isIntermediate (image: ImageRecord, all: readonly ImageRecord[]): boolean {
  return (image.names ?? []).length === 0 && hasChildren(image, all)
}
