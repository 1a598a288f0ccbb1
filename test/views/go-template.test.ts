import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { compileTemplate, goString, renderGoTemplate, renderTemplate } from '../../src/views/go-template.js'

const test = suite('go-template subset')

const opts = { name: 'inspect', typeName: '*define.InspectContainerData' }
const one = (format: string, data: unknown): string => renderTemplate(format, [data], opts)
const data = { Id: 'abc', Name: 'web', State: { Pid: 42, Running: true, Status: 'running' }, Labels: { b: '2', a: '1' }, Cmd: ['sleep', '1'], Empty: [], Zero: 0 }

test('fields, nested fields, Id/ID aliasing, dot, text and escapes', () => {
  assert.is(one('{{.Id}}', data), 'abc\n')
  assert.is(one('{{.ID}}', data), 'abc\n')
  assert.is(one('pid={{ .State.Pid }}\\t{{.State.Running}}', data), 'pid=42\ttrue\n')
  assert.is(one('{{.Name}}\\n', data), 'web\n')
  assert.is(one('{{.Cmd}} {{.Labels}}', data), '[sleep 1] map[a:1 b:2]\n')
  assert.is(one('{{.State}}', data), 'map[Pid:42 Running:true Status:running]\n')
})

test('json, range, if/else, with, pipes, functions, trim markers, $', () => {
  assert.is(one('{{json .}}', { A: 1 }), '{"A":1}\n')
  assert.is(one('{{json .Cmd}}', data), '["sleep","1"]\n')
  assert.is(one('{{range .Cmd}}<{{.}}>{{end}}', data), '<sleep><1>\n')
  assert.is(one('{{range .Empty}}x{{else}}none{{end}}', data), 'none\n')
  assert.is(one('{{range .Labels}}{{.}},{{end}}', data), '1,2,\n')
  assert.is(one('{{if .State.Running}}up{{else}}down{{end}}', data), 'up\n')
  assert.is(one('{{if .Zero}}yes{{else}}no{{end}}', data), 'no\n')
  assert.is(one('{{with .State}}{{.Status}}/{{$.Name}}{{end}}', data), 'running/web\n')
  assert.is(one('{{.Name | upper}} {{join .Cmd ","}} {{len .Cmd}} {{index .Labels "a"}} {{lower "X"}}', data), 'WEB sleep,1 2 1 x\n')
  assert.is(one('{{printf "%s=%d %q" .Name .State.Pid .Name}}', data), 'web=42 "web"\n')
  assert.is(one('a  {{- .Name -}}  b', data), 'awebb\n')
})

test('table prefix: header row from field names, tabwriter-style columns', () => {
  const rows = [{ ID: '0123456789ab', Names: 'web', CreatedAt: 'now' }, { ID: 'ba9876543210', Names: 'db', CreatedAt: 'then' }]
  const out = renderTemplate('table {{.ID}}\\t{{.Names}}\\t{{.CreatedAt}}', rows, { ...opts, headers: { ID: 'CONTAINER ID' } })
  assert.is(out, 'CONTAINER ID  NAMES       CREATED AT\n0123456789ab  web         now\nba9876543210  db          then\n')
  assert.equal(compileTemplate('table {{.Name}}', opts).headers, ['NAME'])
  assert.is(renderTemplate('table {{.Name}}', [], opts), 'NAME\n')
})

test('unknown fields and functions, bad syntax: Podman-style errors with exit 125', () => {
  const cases: [string, RegExp][] = [
    ['{{.Nope}}', /^template: inspect:1:2: executing "inspect" at <\.Nope>: can't evaluate field Nope in type \*define\.InspectContainerData$/],
    ['{{.State.Nope}}', /can't evaluate field Nope in type State$/],
    // Go counts the column from the line's start, at the field itself.
    ['{{ .Nope }}', /^template: inspect:1:3: executing "inspect" at <\.Nope>/],
    ['ab{{.Nope}}', /^template: inspect:1:4: executing "inspect" at <\.Nope>/],
    ['{{if .Nope}}x{{end}}', /^template: inspect:1:5: executing "inspect" at <\.Nope>/],
    ['{{- .Nope}}', /^template: inspect:1:4: executing "inspect" at <\.Nope>/],
    ['{{nope .Name}}', /^template: inspect:1: function "nope" not defined$/],
    ['{{.Name', /^template: inspect:1: unclosed action$/],
    ['{{range .Cmd}}x', /^template: inspect:1: unexpected EOF$/],
    ['{{end}}', /^template: inspect:1: unexpected \{\{end\}\}$/],
  ]
  for (const [format, re] of cases) {
    try {
      one(format, data)
      assert.unreachable(format)
    } catch (err) {
      assert.ok(isPodctlError(err), format)
      assert.is((err as { code: string }).code, 'INVALID_ARGUMENT')
      assert.match((err as Error).message, re, format)
    }
  }
})

test('goString prints Go-style values', () => {
  assert.is(goString(null), '<no value>')
  assert.is(goString([1, [2, 3]]), '[1 [2 3]]')
  assert.is(goString({ z: true, a: 'x' }), 'map[a:x z:true]')
})

test('table headers come from every action, also with space-separated columns', () => {
  assert.is(renderTemplate('table {{.ID}} {{.CreatedAt}}', [{ ID: 'a', CreatedAt: 'b' }], { name: 't', typeName: 'T' }), 'ID CREATED AT\na b\n')
})

test('go templates: fields, json, unknown fields refused', () => {
  const data = { State: { Status: 'running', Pid: 3 }, Labels: { a: 'b' }, Args: ['x', 'y'] }
  assert.is(renderGoTemplate('{{.State.Status}}/{{.State.Pid}}', data), 'running/3\n')
  assert.is(renderGoTemplate('{{json .Labels}}', data), '{"a":"b"}\n')
  assert.is(renderGoTemplate('{{.Args}}', data), '[x y]\n')
  assert.throws(() => renderGoTemplate('{{.Nope}}', data), /can't evaluate field Nope/)
})

test.run()
