import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Host } from '../../src/host.js'
import { insertImage } from '../../src/state/image-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { humanSize, imageListJson, inspectImage, listImagesMatching, splitName } from '../../src/views/image-view.js'
import { imageFixture } from '../state/row-fixtures.js'

const test = suite('image views')

test('humanSize: go-units, 3 significant digits', () => {
  assert.equal([0, 999, 1000, 2002979, 1_990_000, 65_432_100, 1.5e12].map(humanSize), ['0 B', '999 B', '1 kB', '2 MB', '1.99 MB', '65.4 MB', '1.5 TB'])
})

test('splitName: repository and tag, <none> for a dangling image', () => {
  assert.equal(splitName('127.0.0.1:5000/a/b:1'), { repository: '127.0.0.1:5000/a/b', tag: '1' })
  assert.equal(splitName('localhost:5000/x'), { repository: 'localhost:5000/x', tag: 'latest' })
  assert.equal(splitName(''), { repository: '<none>', tag: '<none>' })
})

test('images --filter: dangling, reference globs, label, id, before/since; unknown keys refused', () => {
  using store = StateStore.openMemory()
  const host = { store } as Host
  const a = imageFixture({ name: '', names: ['quay.io/org/app:1', 'localhost/app:dev'], createdAt: 1000, config: { config: { Labels: { tier: 'web' } } } })
  const b = imageFixture({ name: '', names: [], createdAt: 2000 })
  const c = imageFixture({ name: '', names: ['docker.io/library/busybox:latest'], createdAt: 3000 })
  store.write(() => { for (const i of [a, b, c]) insertImage(store, i) })
  const ids = (...f: string[]): string[] => listImagesMatching(host, f).map(i => i.id)
  assert.equal(ids(), [a.id, b.id, c.id])
  assert.equal(ids('dangling=true'), [b.id])
  assert.equal(ids('dangling=false'), [a.id, c.id])
  assert.equal(ids('reference=app'), [a.id])
  assert.equal(ids('reference=org/*'), [a.id])
  assert.equal(ids('reference=*:dev'), [a.id])
  assert.equal(ids('reference=busybox'), [c.id])
  assert.equal(ids('reference=busy*:latest'), [c.id])
  assert.equal(ids('reference=nothing'), [])
  assert.equal(ids('label=tier=web'), [a.id])
  assert.equal(ids('label=tier=db'), [])
  assert.equal(ids(`id=${b.id.slice(0, 6)}`), [b.id])
  assert.equal(ids(`before=${c.id}`), [a.id, b.id])
  assert.equal(ids(`since=${a.id}`), [b.id, c.id])
  assert.equal(ids('dangling=false', 'reference=app'), [a.id])
  assert.throws(() => ids('color=red'), /color is an invalid filter/)
  assert.throws(() => ids('dangling=maybe'), /invalid filter dangling=maybe: must be true or false/)
  assert.throws(() => ids('nokey'), /invalid image filter "nokey"/)
})

test('images --format json: Podman 4.3\'s shape (an entry per name, RepoTags null, Dangling only without names)', () => {
  using store = StateStore.openMemory()
  const host = { store } as Host
  const a = imageFixture({ name: '', names: ['quay.io/org/app:1', 'localhost/app:dev'], createdAt: 1_796_345_606_000, repoDigests: ['quay.io/org/app@sha256:' + 'a'.repeat(64)] })
  const b = imageFixture({ name: '', names: [], createdAt: 1_796_345_607_000 })
  store.write(() => { for (const i of [a, b]) insertImage(store, i) })
  const json = imageListJson(host, listImagesMatching(host, []))
  assert.is(json.length, 3)
  assert.equal(json[0], json[1])
  assert.equal([json[0]!['Id'], json[0]!['RepoTags'], json[0]!['RepoDigests'], json[0]!['Names'], json[0]!['History'], 'Dangling' in json[0]!, json[0]!['CreatedAt']],
    [a.id, null, a.repoDigests, ['quay.io/org/app:1', 'localhost/app:dev'], ['localhost/app:dev', 'quay.io/org/app:1'], false, '2026-12-04T00:53:26Z'])
  assert.equal([json[2]!['Id'], json[2]!['RepoTags'], json[2]!['Dangling'], 'Names' in json[2]!, json[2]!['History']], [b.id, null, true, false, []])
  assert.equal(Object.keys(json[0]!), ['Id', 'ParentId', 'RepoTags', 'RepoDigests', 'Size', 'SharedSize', 'VirtualSize', 'Labels', 'Containers', 'Names', 'Digest', 'History', 'Created', 'CreatedAt'])
})

test('image inspect: Podman\'s fields from the stored config', () => {
  const i = imageFixture({
    name: 'x', names: ['x:1'], size: 5, digest: 'sha256:' + 'd'.repeat(64), repoDigests: ['r@sha256:' + 'd'.repeat(64)],
    layers: [{ diffId: 'sha256:' + 'e'.repeat(64), digest: 'sha256:' + 'f'.repeat(64), mediaType: 'm', size: 5 }],
    config: { architecture: 'arm64', os: 'linux', created: '2020-01-01T00:00:00Z', config: { Cmd: ['sh'], Labels: { a: 'b' } }, history: [{ created_by: 'x' }] },
  })
  const v = inspectImage(i)
  assert.equal(
    [v['Id'], v['Digest'], v['RepoTags'], v['RepoDigests'], v['Created'], v['Config'], v['Architecture'], v['Os'], v['Size'], v['RootFS'], v['Labels'], v['History']],
    [i.id, i.digest, ['x:1'], i.repoDigests, '2020-01-01T00:00:00Z', { Cmd: ['sh'], Labels: { a: 'b' } }, 'arm64', 'linux', 5, { Type: 'layers', Layers: ['sha256:' + 'e'.repeat(64)] }, { a: 'b' }, [{ created_by: 'x' }]],
  )
})

test.run()
