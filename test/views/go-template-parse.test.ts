import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import type { Node } from '../../src/views/go-template-parse.js'
import { parseTemplate } from '../../src/views/go-template-parse.js'

const test = suite('go-template-parse')

const field = (col: number, ...path: string[]): unknown => ({ kind: 'field', path, col, root: false })
// The tree without columns (for nesting and trimming, where only the structure is asserted).
const shape = (nodes: Node[]): unknown => JSON.parse(JSON.stringify(nodes, (k, v: unknown) => k === 'col' ? undefined : v))

test('text and print actions; a field\'s column is its offset in the line, as in Go\'s errors', () => {
  assert.equal(parseTemplate('', 't'), [])
  assert.equal(parseTemplate('plain', 't'), [{ kind: 'text', text: 'plain' }])
  assert.equal(parseTemplate('a {{.State.Pid}} b', 't'), [
    { kind: 'text', text: 'a ' }, { kind: 'print', pipe: [[field(4, 'State', 'Pid')]] }, { kind: 'text', text: ' b' },
  ])
})

test('arguments: fields, $ and dot, functions, quoted and raw strings, numbers; | starts a new command', () => {
  assert.equal(parseTemplate('{{json .Labels | printf "%s" 3}}', 't'), [{
    kind: 'print',
    pipe: [
      [{ kind: 'func', name: 'json', col: 2 }, field(7, 'Labels')],
      [{ kind: 'func', name: 'printf', col: 17 }, { kind: 'string', value: '%s' }, { kind: 'number', value: 3 }],
    ],
  }])
  assert.equal(parseTemplate('{{"a\\"b" `raw\\n` -1.5 $ . $.Top}}', 't'), [{
    kind: 'print',
    pipe: [[
      { kind: 'string', value: 'a"b' }, { kind: 'string', value: 'raw\\n' }, { kind: 'number', value: -1.5 },
      { kind: 'field', path: [], col: 22, root: true }, field(24), { kind: 'field', path: ['Top'], col: 26, root: true },
    ]],
  }])
})

test('range/if/with nest, each with its else branch', () => {
  assert.equal(shape(parseTemplate('{{range .Items}}[{{.}}]{{else}}none{{end}}!', 't')), [
    { kind: 'range', pipe: [[{ kind: 'field', path: ['Items'], root: false }]], body: [{ kind: 'text', text: '[' }, { kind: 'print', pipe: [[{ kind: 'field', path: [], root: false }]] }, { kind: 'text', text: ']' }], otherwise: [{ kind: 'text', text: 'none' }] },
    { kind: 'text', text: '!' },
  ])
  assert.equal(shape(parseTemplate('{{if .A}}{{with .B}}{{.C}}{{end}}{{end}}', 't')), [{
    kind: 'if',
    pipe: [[{ kind: 'field', path: ['A'], root: false }]],
    body: [{ kind: 'with', pipe: [[{ kind: 'field', path: ['B'], root: false }]], body: [{ kind: 'print', pipe: [[{ kind: 'field', path: ['C'], root: false }]] }], otherwise: [] }],
    otherwise: [],
  }])
})

test('trim markers {{- and -}} eat the whitespace beside the action', () => {
  assert.equal(shape(parseTemplate('x \n {{- .A -}} \n y', 't')), [
    { kind: 'text', text: 'x' }, { kind: 'print', pipe: [[{ kind: 'field', path: ['A'], root: false }]] }, { kind: 'text', text: 'y' },
  ])
  // Without the space, "-" is part of the token (Go's rule too).
  assert.equal(shape(parseTemplate('a {{-3}} b', 't')), [{ kind: 'text', text: 'a ' }, { kind: 'print', pipe: [[{ kind: 'number', value: -3 }]] }, { kind: 'text', text: ' b' }])
})

test('malformed templates: Podman-style "template: NAME:1: ..." INVALID_ARGUMENT errors', () => {
  const table: [string, string][] = [
    ['{{.A', 'unclosed action'],
    ['{{end}}', 'unexpected {{end}}'],
    ['{{else}}', 'unexpected {{else}}'],
    ['{{if .A}}a{{else}}b{{else}}c{{end}}', 'unexpected {{else}}'],
    ['{{if .A}}', 'unexpected EOF'],
    ['{{}}', 'missing value for command'],
    ['{{.A | }}', 'missing value for command'],
    ['{{| .A}}', 'missing value for command'],
    ['{{.A ;}}', 'unexpected ";" in command'],
  ]
  for (const [src, why] of table) {
    let err: unknown
    try { parseTemplate(src, 'ps') } catch (e) { err = e }
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', src)
    assert.is((err as Error).message, `template: ps:1: ${why}`, src)
  }
})

test.run()
