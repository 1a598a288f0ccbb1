import { invalidArgument } from '../errors.js'
import type { Arg, Node, Pipeline } from './go-template-parse.js'
import { parseTemplate } from './go-template-parse.js'

// --format Go templates, the subset podctl documents: fields {{.A.B}} (also {{.Id}} and
// {{.ID}} for each other), {{.}}, {{json .X}}, {{range .X}}…{{end}}, {{if}}/{{with}} with
// {{else}}, pipes, "{{-"/"-}}" trimming, and the functions json, join, len, index, upper,
// lower, title, printf (%s %v %d %q). An unknown field or function is an error (exit 125).

type Fn = (...args: unknown[]) => unknown

const FUNCS: Record<string, Fn> = {
  json: v => JSON.stringify(v ?? null),
  join: (v, sep) => Array.isArray(v) ? v.map(x => goString(x)).join(String(sep)) : goString(v),
  len: v => Array.isArray(v) || typeof v === 'string' ? v.length : typeof v === 'object' && v !== null ? Object.keys(v).length : 0,
  index: (v, k) => (v as Record<string, unknown> | undefined)?.[String(k)],
  upper: v => goString(v).toUpperCase(),
  lower: v => goString(v).toLowerCase(),
  title: v => goString(v).replace(/\b\w/g, c => c.toUpperCase()),
  printf: (fmt, ...args) => { let i = 0; return String(fmt).replace(/%[svdq%]/g, m => m === '%%' ? '%' : m === '%q' ? JSON.stringify(goString(args[i++])) : goString(args[i++])) },
}

// How Go's fmt prints a value: maps as map[k:v] (sorted keys), slices as [a b].
export function goString (v: unknown): string {
  if (v === undefined || v === null) return '<no value>'
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map(k => `${k}:${goString((v as Record<string, unknown>)[k])}`).join(' ')}]`
  return String(v)
}

interface Scope { dot: unknown, root: unknown, name: string, typeName: string }

function field (s: Scope, a: Extract<Arg, { kind: 'field' }>, base: unknown): unknown {
  let v = base
  let at = '.'
  for (const key of a.path) {
    const obj = typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined
    const alt = key === 'ID' ? 'Id' : key === 'Id' ? 'ID' : undefined
    if (obj !== undefined && key in obj) v = obj[key]
    else if (obj !== undefined && alt !== undefined && alt in obj) v = obj[alt]
    else {
      const type = at === '.' ? s.typeName : `${at.slice(1)}`
      throw invalidArgument(`template: ${s.name}:1:${a.col}: executing "${s.name}" at <.${a.path.join('.')}>: can't evaluate field ${key} in type ${type}`)
    }
    at = `${at}${at === '.' ? '' : '.'}${key}`
  }
  return v
}

function evalCommand (s: Scope, cmd: Arg[], piped: unknown[]): unknown {
  const value = (a: Arg): unknown => {
    if (a.kind === 'string' || a.kind === 'number') return a.value
    if (a.kind === 'field') return field(s, a, a.root ? s.root : s.dot)
    throw invalidArgument(`template: ${s.name}:1:${a.col}: can't give argument to non-function ${a.name}`)
  }
  const [head, ...rest] = cmd as [Arg, ...Arg[]]
  if (head.kind !== 'func') {
    if (rest.length > 0 || piped.length > 0) throw invalidArgument(`template: ${s.name}:1: can't give argument to non-function`)
    return value(head)
  }
  const fn = FUNCS[head.name]
  if (fn === undefined) throw invalidArgument(`template: ${s.name}:1: function "${head.name}" not defined`)
  return fn(...rest.map(value), ...piped)
}

function evalPipe (s: Scope, pipe: Pipeline): unknown {
  let v: unknown[] = []
  for (const cmd of pipe) v = [evalCommand(s, cmd, v)]
  return v[0]
}

const truthy = (v: unknown): boolean => !(v === undefined || v === null || v === false || v === 0 || v === '' ||
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v).length === 0))

function exec (s: Scope, nodes: Node[], out: string[]): void {
  for (const n of nodes) {
    if (n.kind === 'text') out.push(n.text)
    else if (n.kind === 'print') out.push(goString(evalPipe(s, n.pipe)))
    else {
      const v = evalPipe(s, n.pipe)
      if (n.kind === 'range') {
        const items = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.keys(v).sort().map(k => (v as Record<string, unknown>)[k]) : []
        if (items.length === 0) exec(s, n.otherwise, out)
        for (const item of items) exec({ ...s, dot: item }, n.body, out)
      } else if (truthy(v)) exec(n.kind === 'with' ? { ...s, dot: v } : s, n.body, out)
      else exec(s, n.otherwise, out)
    }
  }
}

export interface CompiledTemplate {
  // "table …": print a header row first, columns aligned like Go's tabwriter.
  table: boolean
  headers: string[]
  render: (data: unknown) => string
}

// Podman's NormalizeFormat: "table" prefix, \t and \n escapes as typed in a shell.
export function compileTemplate (format: string, opts: { name: string, typeName: string, headers?: Record<string, string> }): CompiledTemplate {
  const table = /^table(\s|$)/.test(format)
  let src = table ? format.replace(/^table\s*/, '') : format
  src = src.replace(/\\t/g, '\t').replace(/\\n/g, '\n')
  if (!src.endsWith('\n')) src += '\n'
  const nodes = parseTemplate(src, opts.name)
  const headers = table ? headerRow(src, opts.headers ?? {}) : []
  return {
    table, headers,
    render: data => { const out: string[] = []; exec({ dot: data, root: data, name: opts.name, typeName: opts.typeName }, nodes, out); return out.join('') },
  }
}

// The header of a table template: the template with each {{.Field}} action replaced by
// FIELD ("CreatedAt" as CREATED AT), other actions dropped, literal text kept.
function headerRow (src: string, overrides: Record<string, string>): string[] {
  const named = src.replace(/\n$/, '').replace(/\{\{-?\s*(?:\w+\s+)?\.([A-Za-z0-9_.]+)[^}]*\}\}/g, (_m, key: string) =>
    overrides[key] ?? key.split('.').pop()!.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase())
  return named.replace(/\{\{[^}]*\}\}/g, '').split('\t').map(col => col.trim().toUpperCase())
}

// Renders every item; "table" adds the header and aligns tab-separated columns
// (tabwriter's minwidth 12, padding 2).
export function renderTemplate (format: string, items: readonly unknown[], opts: { name: string, typeName: string, headers?: Record<string, string> }): string {
  const t = compileTemplate(format, opts)
  const text = items.map(i => t.render(i)).join('')
  if (!t.table) return text
  const rows = [t.headers, ...text.split('\n').filter(l => l !== '').map(l => l.split('\t'))]
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => { if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, Math.max(12, c.length + 2)) })
  return rows.map(r => r.map((c, i) => i < r.length - 1 ? c.padEnd(widths[i]!) : c).join('').trimEnd()).join('\n') + '\n'
}

// One item (inspect-style); kept for callers of the first version.
export function renderGoTemplate (template: string, data: unknown): string {
  return renderTemplate(template, [data], { name: 'inspect', typeName: 'Container' })
}
