import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Host } from '../../src/host.js'
import { addImageName, getImage, insertImage } from '../../src/state/image-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { displayRepoDigests, humanSize, imageListJson, inspectImage, listImagesMatching, rowNames, splitName } from '../../src/views/image-view.js'
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
    [a.id, null, ['localhost/app@sha256:' + 'a'.repeat(64), 'quay.io/org/app@sha256:' + 'a'.repeat(64)], ['quay.io/org/app:1', 'localhost/app:dev'], ['localhost/app:dev', 'quay.io/org/app:1'], false, '2026-12-04T00:53:26Z'])
  assert.equal([json[2]!['Id'], json[2]!['RepoTags'], json[2]!['RepoDigests'], json[2]!['Dangling'], 'Names' in json[2]!, 'History' in json[2]!], [b.id, null, [], true, false, false])
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
    [i.id, i.digest, ['x:1'], ['x@sha256:' + 'd'.repeat(64)], '2020-01-01T00:00:00Z', { Cmd: ['sh'], Labels: { a: 'b' } }, 'arm64', 'linux', 5, { Type: 'layers', Layers: ['sha256:' + 'e'.repeat(64)] }, { a: 'b' }, [{ created_by: 'x' }]],
  )
})

const D1 = 'sha256:' + '1'.repeat(64)
const D2 = 'sha256:' + '2'.repeat(64)

test('RepoDigests derive from the names, as in Podman: a moved tag leaves the old image <none> <none>, no RepoDigests, the lost name in History', () => {
  using store = StateStore.openMemory()
  const host = { store } as Host
  const old = imageFixture({ name: '', names: ['r.io/app:1'], createdAt: 1000, digest: D1, repoDigests: [`r.io/app@${D1}`] })
  const cur = imageFixture({ name: '', names: [], createdAt: 2000, digest: D2, repoDigests: [`r.io/app@${D2}`] })
  store.write(() => { insertImage(store, old); insertImage(store, cur); addImageName(store, cur.id, 'r.io/app:1') })
  const [o, c] = [getImage(store, old.id)!, getImage(store, cur.id)!]
  assert.equal([displayRepoDigests(o), rowNames(o), splitName(rowNames(o)[0]!)], [[], [''], { repository: '<none>', tag: '<none>' }])
  assert.equal([displayRepoDigests(c), rowNames(c)], [[`r.io/app@${D2}`], ['r.io/app:1']])
  const json = imageListJson(host, listImagesMatching(host, []))
  assert.equal(json.map(e => [e['Id'], e['RepoDigests'], e['Dangling'], e['Names'], e['History']]),
    [[old.id, [], true, undefined, ['r.io/app:1']], [cur.id, [`r.io/app@${D2}`], undefined, ['r.io/app:1'], ['r.io/app:1']]])
  assert.equal(inspectImage(o)['NamesHistory'], ['r.io/app:1'])
})

test('a pull by digest is a repo@digest name: its row is the repository with tag <none>, hidden once a tag names the image; a loaded image\'s digest names its RepoDigests', () => {
  const byDigest = imageFixture({ name: '', names: [`r.io/app@${D1}`], digest: D1, repoDigests: [`r.io/app@${D1}`] })
  assert.equal([rowNames(byDigest), splitName(rowNames(byDigest)[0]!), displayRepoDigests(byDigest)], [[`r.io/app@${D1}`], { repository: 'r.io/app', tag: '<none>' }, [`r.io/app@${D1}`]])
  const both = { ...byDigest, names: [`r.io/app@${D1}`, 'r.io/app:2', 'localhost/x:1'] }
  assert.equal([rowNames(both), displayRepoDigests(both)], [['r.io/app:2', 'localhost/x:1'], [`localhost/x@${D1}`, `r.io/app@${D1}`]])
  const loaded = imageFixture({ name: '', names: ['docker.io/library/busybox:latest'], digest: D2, repoDigests: [] })
  assert.equal(displayRepoDigests(loaded), [`docker.io/library/busybox@${D2}`])
})

test('images without -a hides intermediate images (no names, a child whose layers and history extend them); -a and the dangling filter as in Podman', () => {
  using store = StateStore.openMemory()
  const host = { store } as Host
  const layer = (c: string): { diffId: string, digest: string, mediaType: string, size: number } => ({ diffId: 'sha256:' + c.repeat(64), digest: 'sha256:' + c.repeat(64), mediaType: 'm', size: 1 })
  const h1 = { created: '2020-01-01T00:00:00Z', created_by: 'base' }
  const base = imageFixture({ name: '', names: [], createdAt: 1000, layers: [layer('a')], config: { history: [h1] } })
  const child = imageFixture({ name: '', names: ['r.io/app:1'], createdAt: 2000, layers: [layer('a'), layer('b')], config: { history: [h1, { created_by: 'add' }] } })
  const lone = imageFixture({ name: '', names: [], createdAt: 3000, layers: [layer('c')], config: { history: [h1] } })
  const other = imageFixture({ name: '', names: ['r.io/other:1'], createdAt: 4000, layers: [layer('a'), layer('d')], config: { history: [{ created_by: 'not base' }, { created_by: 'add' }] } })
  store.write(() => { for (const i of [base, child, lone, other]) insertImage(store, i) })
  const ids = (all: boolean, ...f: string[]): string[] => listImagesMatching(host, f, { all }).map(i => i.id)
  assert.equal(ids(false), [child.id, lone.id, other.id])
  assert.equal(ids(true), [base.id, child.id, lone.id, other.id])
  assert.equal(ids(true, 'dangling=true'), [lone.id])
  assert.equal(ids(false, 'dangling=true'), [lone.id])
  assert.equal(imageListJson(host, listImagesMatching(host, [], { all: true })).map(e => e['Dangling'] === true), [false, false, true, false])
})

test.run()
