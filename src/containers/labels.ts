import { invalidArgument } from '../errors.js'
import type { Labels } from '../state/types.js'

// --label k=v (or bare k, value ""), repeated; later keys win, as in Podman.
export function parseLabels (raw: readonly unknown[]): Labels {
  const out: Labels = {}
  for (const item of raw) {
    const s = String(item)
    const i = s.indexOf('=')
    const key = i < 0 ? s : s.slice(0, i)
    if (key === '' || /\s/.test(key)) throw invalidArgument(`invalid label format: ${JSON.stringify(s)}`)
    out[key] = i < 0 ? '' : s.slice(i + 1)
  }
  return out
}
