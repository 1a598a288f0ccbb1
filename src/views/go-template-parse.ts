import { invalidArgument } from '../errors.js'

// The parsed form of a Go text/template in the subset podctl supports (see go-template.ts).
export type Arg =
  | { kind: 'field', path: string[], col: number, root: boolean }
  | { kind: 'string', value: string }
  | { kind: 'number', value: number }
  | { kind: 'func', name: string, col: number }

export type Pipeline = Arg[][]

export type Node =
  | { kind: 'text', text: string }
  | { kind: 'print', pipe: Pipeline }
  | { kind: 'range' | 'if' | 'with', pipe: Pipeline, body: Node[], otherwise: Node[] }

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\||-?\d+(?:\.\d+)?|\$?\.?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\$|\.)/y

function parseArg (tok: string, col: number, name: string): Arg {
  if (tok.startsWith('"')) return { kind: 'string', value: JSON.parse(tok) as string }
  if (tok.startsWith('`')) return { kind: 'string', value: tok.slice(1, -1) }
  if (/^-?\d/.test(tok)) return { kind: 'number', value: Number(tok) }
  if (tok === '.' || tok === '$') return { kind: 'field', path: [], col, root: tok === '$' }
  if (tok.startsWith('.') || tok.startsWith('$.')) return { kind: 'field', path: tok.replace(/^\$?\./, '').split('.'), col, root: tok.startsWith('$') }
  if (/^[A-Za-z_]\w*$/.test(tok)) return { kind: 'func', name: tok, col }
  throw invalidArgument(`template: ${name}:1: unexpected "${tok}" in command`)
}

function parsePipeline (src: string, col: number, name: string): Pipeline {
  const cmds: Arg[][] = [[]]
  TOKEN.lastIndex = 0
  let i = 0
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break
    TOKEN.lastIndex = i
    const m = TOKEN.exec(src)
    if (m === null) throw invalidArgument(`template: ${name}:1: unexpected "${src.slice(i).trim()}" in command`)
    const tok = m[1]!
    const at = col + m.index + m[0].length - tok.length
    if (tok === '|') cmds.push([])
    else cmds[cmds.length - 1]!.push(parseArg(tok, at, name))
    i = TOKEN.lastIndex
  }
  if (cmds.some(c => c.length === 0)) throw invalidArgument(`template: ${name}:1: missing value for command`)
  return cmds
}

// Parses the template; errors are Podman-style "template: NAME:1: ..." (exit 125).
export function parseTemplate (src: string, name: string): Node[] {
  const root: Node[] = []
  const stack: { node: Extract<Node, { body: Node[] }>, inElse: boolean }[] = []
  const out = (): Node[] => {
    const top = stack[stack.length - 1]
    return top === undefined ? root : top.inElse ? top.node.otherwise : top.node.body
  }
  let pos = 0
  while (pos < src.length) {
    const open = src.indexOf('{{', pos)
    if (open < 0) { out().push({ kind: 'text', text: src.slice(pos) }); break }
    const close = src.indexOf('}}', open + 2)
    if (close < 0) throw invalidArgument(`template: ${name}:1: unclosed action`)
    let text = src.slice(pos, open)
    let inner = src.slice(open + 2, close)
    let innerAt = open + 2
    if (inner.startsWith('-') && /^-\s/.test(inner)) { text = text.replace(/\s+$/, ''); inner = inner.slice(1); innerAt++ }
    let next = close + 2
    if (/\s-$/.test(inner)) { inner = inner.slice(0, -1); next += (/^\s*/.exec(src.slice(next))?.[0].length ?? 0) }
    if (text !== '') out().push({ kind: 'text', text })
    pos = next
    // Columns count from the start of the line, as Go's: past any space after "{{".
    const col = innerAt + (/^\s*/.exec(inner)?.[0].length ?? 0)
    const body = inner.trim()
    const word = /^(range|if|with|else|end)\b\s*(.*)$/s.exec(body)
    if (word === null) { out().push({ kind: 'print', pipe: parsePipeline(body, col, name) }); continue }
    const [, kw, rest] = word as unknown as [string, string, string]
    if (kw === 'end') {
      if (stack.pop() === undefined) throw invalidArgument(`template: ${name}:1: unexpected {{end}}`)
    } else if (kw === 'else') {
      const top = stack[stack.length - 1]
      if (top === undefined || top.inElse) throw invalidArgument(`template: ${name}:1: unexpected {{else}}`)
      top.inElse = true
    } else {
      const node = { kind: kw as 'range' | 'if' | 'with', pipe: parsePipeline(rest, col + body.length - rest.length, name), body: [] as Node[], otherwise: [] as Node[] }
      out().push(node)
      stack.push({ node, inElse: false })
    }
  }
  if (stack.length > 0) throw invalidArgument(`template: ${name}:1: unexpected EOF`)
  return root
}
