import { invalidArgument } from '../errors.js'

// A small subset of Go templates for --format: {{.A.B}} and {{json .A}}; text outside
// the braces is kept; a trailing newline is added.
export function renderGoTemplate (template: string, data: unknown): string {
  const out = template.replace(/\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}/g, (_m, json: string | undefined, p: string) => {
    let v: unknown = data
    for (const key of p.split('.').filter(Boolean)) {
      if (typeof v !== 'object' || v === null || !(key in v)) throw invalidArgument(`template: can't evaluate field ${key}`)
      v = (v as Record<string, unknown>)[key]
    }
    if (json !== undefined) return JSON.stringify(v)
    if (typeof v === 'object' && v !== null) return Array.isArray(v) ? `[${v.join(' ')}]` : `map[${Object.entries(v).map(([k, x]) => `${k}:${String(x)}`).join(' ')}]`
    return String(v)
  })
  if (/\{\{/.test(out)) throw invalidArgument(`unsupported --format template ${JSON.stringify(template)}`)
  return out.replace(/\\n/g, '\n') + '\n'
}
