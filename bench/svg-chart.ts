// Small SVG charts, so the README can show results without a plotting library: a bar pair
// per scenario (podctl vs podman), and lines of containers/s against container count.
interface Point { tool: string, scenario: string, containers: number, perSecond: number }

const COLORS: Record<string, string> = { podctl: '#2b7bb9', podman: '#b94a2b' }

export function renderRateChart (samples: Point[]): string {
  const scenarios = [...new Set(samples.map(s => s.scenario))]
  const tools = [...new Set(samples.map(s => s.tool))]
  const max = Math.max(1, ...samples.map(s => s.perSecond))
  const W = 120 + scenarios.length * 110; const H = 340; const top = 40; const bottom = 250
  const bar = 36
  const y = (v: number): number => bottom - (v / max) * (bottom - top)
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Containers removed per second (higher is better)</text>`,
    `<line x1="60" y1="${bottom}" x2="${W - 20}" y2="${bottom}" stroke="black"/>`,
    `<line x1="60" y1="${top}" x2="60" y2="${bottom}" stroke="black"/>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4
    parts.push(`<text x="55" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`, `<line x1="60" y1="${y(v)}" x2="${W - 20}" y2="${y(v)}" stroke="#ddd"/>`)
  }
  scenarios.forEach((sc, i) => {
    const x0 = 80 + i * 110
    tools.forEach((t, j) => {
      const s = samples.find(p => p.scenario === sc && p.tool === t)
      if (s === undefined) return
      const x = x0 + j * (bar + 4)
      parts.push(`<rect x="${x}" y="${y(s.perSecond)}" width="${bar}" height="${bottom - y(s.perSecond)}" fill="${COLORS[t] ?? '#777'}"/>`,
        `<text x="${x + bar / 2}" y="${y(s.perSecond) - 3}" text-anchor="middle">${s.perSecond.toFixed(0)}</text>`)
    })
    const n = samples.find(p => p.scenario === sc)?.containers ?? 0
    // Long scenario names go on two lines, split at the hyphen nearest the middle.
    const cut = [...sc.matchAll(/-/g)].map(m => m.index).sort((a, b) => Math.abs(a - sc.length / 2) - Math.abs(b - sc.length / 2))[0]
    const lines = sc.length > 14 && cut !== undefined ? [sc.slice(0, cut), sc.slice(cut + 1)] : [sc]
    lines.forEach((l, k) => parts.push(`<text x="${x0 + bar}" y="${bottom + 14 + k * 12}" text-anchor="middle" font-size="10">${esc(l)}</text>`))
    parts.push(`<text x="${x0 + bar}" y="${bottom + 16 + lines.length * 12}" text-anchor="middle" fill="#555">n=${n}</text>`)
  })
  tools.forEach((t, j) => {
    parts.push(`<rect x="${70 + j * 90}" y="${H - 30}" width="12" height="12" fill="${COLORS[t] ?? '#777'}"/>`, `<text x="${86 + j * 90}" y="${H - 20}">${esc(t)}</text>`)
  })
  parts.push('</svg>\n')
  return parts.join('\n')
}

interface LinePoint extends Point { family?: string }

const DASHES = ['', '6 3', '2 3', '8 3 2 3']

// A round axis end (1, 2 or 5 times a power of ten) at or above v, and its tick step.
function niceAxis (v: number, ticks = 5): { max: number, step: number } {
  const raw = Math.max(v, 1) / ticks
  const pow = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].map(m => m * pow).find(s => s >= raw) ?? 10 * pow)
  return { max: Math.ceil(v / step) * step, step }
}

// Containers removed per second against container count: one line per (tool, family),
// where a family is one scenario at several sizes (families with a single size are left to
// the bar chart). Colour tells the tool, dash the family.
export function renderRateLines (samples: LinePoint[]): string {
  const all = samples.filter((s): s is LinePoint & { family: string } => s.family !== undefined)
  const sizes = (f: string): number => new Set(all.filter(p => p.family === f).map(p => p.containers)).size
  const pts = all.filter(p => sizes(p.family) > 1)
  const families = [...new Set(pts.map(s => s.family))]
  const tools = [...new Set(pts.map(s => s.tool))]
  const xa = niceAxis(Math.max(1, ...pts.map(s => s.containers)))
  const ya = niceAxis(Math.max(1, ...pts.map(s => s.perSecond)))
  const W = 820; const H = 420; const left = 60; const right = W - 290; const top = 40; const bottom = H - 50
  const x = (v: number): number => left + (v / xa.max) * (right - left)
  const y = (v: number): number => bottom - (v / ya.max) * (bottom - top)
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Containers removed per second against container count (higher is better)</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="black"/>`,
    `<text x="${(left + right) / 2}" y="${H - 12}" text-anchor="middle">containers removed by one command</text>`,
  ]
  for (let v = 0; v <= ya.max + 1e-9; v += ya.step) {
    parts.push(`<text x="${left - 5}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`, `<line x1="${left}" y1="${y(v)}" x2="${right}" y2="${y(v)}" stroke="#ddd"/>`)
  }
  for (let u = 0; u <= xa.max + 1e-9; u += xa.step) parts.push(`<text x="${x(u)}" y="${bottom + 16}" text-anchor="middle">${u.toFixed(0)}</text>`)
  let row = 0
  families.forEach((f, fi) => {
    tools.forEach(t => {
      const line = pts.filter(p => p.family === f && p.tool === t).sort((a, b) => a.containers - b.containers)
      if (line.length === 0) return
      const color = COLORS[t] ?? '#777'
      const dash = DASHES[fi % DASHES.length] ?? ''
      const dashAttr = dash === '' ? '' : ` stroke-dasharray="${dash}"`
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dashAttr} points="${line.map(p => `${x(p.containers).toFixed(1)},${y(p.perSecond).toFixed(1)}`).join(' ')}"/>`)
      for (const p of line) parts.push(`<circle cx="${x(p.containers).toFixed(1)}" cy="${y(p.perSecond).toFixed(1)}" r="3" fill="${color}"/>`)
      const ly = top + 10 + row++ * 18
      parts.push(`<line x1="${right + 15}" y1="${ly}" x2="${right + 45}" y2="${ly}" stroke="${color}" stroke-width="2"${dashAttr}/>`, `<text x="${right + 50}" y="${ly + 4}">${esc(`${t}: ${f}`)}</text>`)
    })
  })
  parts.push('</svg>\n')
  return parts.join('\n')
}
