import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { mergeEnv, resolveImageProcess } from '../../src/images/image-config.js'
import type { ImageRecord } from '../../src/state/types.js'
import { imageFixture } from '../state/row-fixtures.js'

const test = suite('image config applied to create')

const image = (config: Record<string, unknown>): ImageRecord => imageFixture({ config: { config } })
const DEF = ['PATH=/bin', 'TERM=xterm']

function message (fn: () => unknown): string {
  try { fn() } catch (err) { assert.ok(isPodctlError(err)); return err.message }
  throw new Error('expected a throw')
}

test('Entrypoint + Cmd; arguments replace Cmd; --entrypoint replaces Entrypoint and drops Cmd', () => {
  const img = image({ Entrypoint: ['/ep', '-x'], Cmd: ['default'] })
  assert.equal(resolveImageProcess(img, { command: [] }, DEF).args, ['/ep', '-x', 'default'])
  assert.equal(resolveImageProcess(img, { command: ['a', 'b'] }, DEF).args, ['/ep', '-x', 'a', 'b'])
  assert.equal(resolveImageProcess(img, { command: [], entrypoint: ['sh'] }, DEF).args, ['sh'])
  assert.equal(resolveImageProcess(img, { command: ['-c', 'x'], entrypoint: ['sh'] }, DEF).args, ['sh', '-c', 'x'])
  assert.equal(resolveImageProcess(img, { command: ['true'], entrypoint: [] }, DEF).args, ['true'])
  // Podman: an empty entrypoint list keeps the image's Cmd; --entrypoint "" unsets the entrypoint and drops Cmd.
  assert.equal(resolveImageProcess(img, { command: [], entrypoint: [] }, DEF).args, ['default'])
  assert.equal(resolveImageProcess(img, { command: ['ls'], entrypoint: [''] }, DEF).args, ['ls'])
  assert.equal(resolveImageProcess(image({ Cmd: ['only'] }), { command: [] }, DEF).args, ['only'])
  assert.is(message(() => resolveImageProcess(image({}), { command: [] }, DEF)), 'no command or entrypoint provided, and no CMD or ENTRYPOINT from image')
  assert.is(message(() => resolveImageProcess(img, { command: [], entrypoint: [''] }, DEF)), 'no command or entrypoint provided, and no CMD or ENTRYPOINT from image')
})

test('Env: defaults, then the image, then -e, by key; WorkingDir unless -w; StopSignal unless --stop-signal; ExposedPorts', () => {
  const img = image({ Cmd: ['x'], Env: ['PATH=/img/bin', 'A=1', 'B=2'], WorkingDir: '/srv', StopSignal: 'SIGQUIT', ExposedPorts: { '80/tcp': {}, '53/udp': {} } })
  const p = resolveImageProcess(img, { command: [], env: ['B=cli', 'C=3'] }, DEF)
  assert.equal(p.env, ['PATH=/img/bin', 'TERM=xterm', 'A=1', 'B=cli', 'C=3'])
  assert.equal([p.cwd, p.stopSignal, p.exposedPorts, p.user], ['/srv', 'SIGQUIT', ['53/udp', '80/tcp'], ''])
  const o = resolveImageProcess(img, { command: [], workdir: '/w', stopSignal: 'SIGTERM' }, DEF)
  assert.equal([o.cwd, o.stopSignal], ['/w', 'SIGTERM'])
  assert.equal(resolveImageProcess(null, { command: ['x'] }, DEF).cwd, '/')
  assert.equal(mergeEnv(['A=1', 'NOVALUE'], ['NOVALUE=2', 'A=3']), ['A=3', 'NOVALUE=2'])
})

test('User: -u over the image\'s (resolved at start); the entrypoint in effect is reported', () => {
  const img = image({ User: 'app:staff', Entrypoint: ['/ep'], Cmd: ['c'] })
  assert.equal(resolveImageProcess(img, { command: [] }, DEF).user, 'app:staff')
  assert.equal(resolveImageProcess(img, { command: [], user: '0' }, DEF).user, '0')
  assert.equal(resolveImageProcess(image({ Cmd: ['x'] }), { command: [] }, DEF).user, '')
  assert.equal(resolveImageProcess(img, { command: [] }, DEF).entrypoint, ['/ep'])
  assert.equal(resolveImageProcess(img, { command: ['x'], entrypoint: [''] }, DEF).entrypoint, [])
})

test.run()
