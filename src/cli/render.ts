// Turning command results into text. Handlers return data; only these functions format it.

export type OutputFormat = 'table' | 'json'

export function renderJson (data: unknown): string {
  return JSON.stringify(data, null, 4) + '\n'
}

// Podman-style columns: upper-case headers, columns padded to the widest cell + 2 spaces.
export function renderTable (headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2)).join('').trimEnd()
  return [line(headers), ...rows.map(line)].join('\n') + '\n'
}

export function renderLines (lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}

// Podman's "3 seconds ago" / "About a minute ago" style durations.
export function humanDuration (ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 1) return 'Less than a second'
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`
  const m = Math.floor(s / 60)
  if (m === 1) return 'About a minute'
  if (m < 60) return `${m} minutes`
  const h = Math.floor(m / 60)
  if (h === 1) return 'About an hour'
  if (h < 48) return `${h} hours`
  const d = Math.floor(h / 24)
  if (d < 14) return `${d} days`
  return `${Math.floor(d / 7)} weeks`
}
