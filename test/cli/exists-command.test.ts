import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runInProcess } from '../helpers/cli.js'
import { withHarness } from '../removal/harness.js'

const test = suite('exists')

test('container/pod/volume/image/network exists: exit 0 or 1, nothing printed; an ambiguous prefix is 125', () => withHarness(async h => {
  const c = h.container('web')
  const p = h.pod('pp', { infra: false })
  h.volume('data', false, [])
  const cni = ['--root', h.dir, '--cni-config-dir', path.join(h.dir, 'cni')]
  const run = (...args: string[]) => runInProcess([...cni, ...args])
  const yes = { code: 0, stdout: '', stderr: '' }
  const no = { code: 1, stdout: '', stderr: '' }
  assert.equal(await run('container', 'exists', 'web'), yes)
  assert.equal(await run('container', 'exists', c.id.slice(0, 10)), yes)
  assert.equal(await run('container', 'exists', 'nope'), no)
  assert.equal(await run('pod', 'exists', 'pp'), yes)
  assert.equal(await run('pod', 'exists', p.pod.id), yes)
  assert.equal(await run('pod', 'exists', 'web'), no)
  assert.equal(await run('volume', 'exists', 'data'), yes)
  assert.equal(await run('volume', 'exists', 'web'), no)
  assert.equal(await run('image', 'exists', 'busybox'), no)
  assert.equal(await run('network', 'exists', 'nope'), no)
  const made = await run('network', 'create', '--interface-name', `px${process.pid % 10000}`, 'front')
  assert.is(made.code, 0, made.stderr)
  assert.equal(await run('network', 'exists', 'front'), yes)
  // Two containers whose IDs share a first hex digit make that digit ambiguous.
  const ids = [c.id]
  for (let i = 0; i < 40 && !ids.slice(1).some(id => id[0] === c.id[0]); i++) ids.push(h.container(`x${i}`).id)
  const r = await run('container', 'exists', c.id[0]!)
  assert.equal([r.code, r.stdout], [125, ''])
  assert.match(r.stderr, /^Error: more than one result for container/)
}))

test('volume inspect --all: every volume; names and --all together, or neither, is refused', () => withHarness(async h => {
  h.volume('a', false, []); h.volume('b', true, [])
  const all = await runInProcess(['--root', h.dir, 'volume', 'inspect', '--all', '--format', '{{.Name}} {{.Anonymous}}'])
  assert.equal(all, { code: 0, stdout: 'a false\nb true\n', stderr: '' })
  const msg = { code: 125, stdout: '', stderr: 'Error: provide one or more volume names or use --all\n' }
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'inspect']), msg)
  assert.equal(await runInProcess(['--root', h.dir, 'volume', 'inspect', '--all', 'a']), msg)
  assert.equal(JSON.parse((await runInProcess(['--root', h.dir, 'volume', 'inspect', '-a'])).stdout).map((v: { Name: string }) => v.Name), ['a', 'b'])
}))

test.run()
