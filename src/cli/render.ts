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
