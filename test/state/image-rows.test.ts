import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer, insertContainer } from '../../src/state/container-rows.js'
import { clearImageReference, containersUsingImage, getImage, insertImage, isLowerDirShared } from '../../src/state/image-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture } from '../helpers/fixtures.js'
import { imageFixture } from './row-fixtures.js'

const test = suite('image-rows')

function twoImages (s: StateStore): { a: ReturnType<typeof imageFixture>, b: ReturnType<typeof imageFixture>, usersOfA: string[], userOfB: string, noImage: string } {
  const a = imageFixture(); const b = imageFixture()
  const a1 = containerFixture({ imageId: a.id }); const a2 = containerFixture({ imageId: a.id })
  const b1 = containerFixture({ imageId: b.id }); const none = containerFixture()
  s.write(() => { insertImage(s, a); insertImage(s, b); for (const c of [a1, b1, a2, none]) insertContainer(s, c) })
  return { a, b, usersOfA: [a1.id, a2.id], userOfB: b1.id, noImage: none.id }
}

test('containersUsingImage: exactly the containers whose image_id is the image', () => {
  using s = StateStore.openMemory()
  const { a, b, usersOfA, userOfB } = twoImages(s)
  assert.equal(containersUsingImage(s, a.id).sort(), [...usersOfA].sort())
  assert.equal(containersUsingImage(s, b.id), [userOfB])
})

test('containersUsingImage: none for an unused or unknown image', () => {
  using s = StateStore.openMemory()
  const unused = imageFixture()
  s.write(() => { insertImage(s, unused); insertContainer(s, containerFixture()) })
  assert.equal(containersUsingImage(s, unused.id), [])
  assert.equal(containersUsingImage(s, imageFixture().id), [])
})

test('clearImageReference: clears only that image\'s users and counts them; the image row stays', () => {
  using s = StateStore.openMemory()
  const { a, b, usersOfA, userOfB, noImage } = twoImages(s)
  assert.is(s.write(() => clearImageReference(s, a.id)), 2)
  assert.equal(usersOfA.map(id => getContainer(s, id)?.imageId), [null, null])
  assert.is(getContainer(s, userOfB)?.imageId, b.id)
  assert.is(getContainer(s, noImage)?.imageId, null)
  assert.equal(containersUsingImage(s, a.id), [])
  assert.ok(getImage(s, a.id))
  assert.is(s.write(() => clearImageReference(s, a.id)), 0, 'nothing left to clear')
})

test('isLowerDirShared: true only when another container has the same lowerDir', () => {
  using s = StateStore.openMemory()
  const lower = '/var/lib/podctl/storage/images/x/rootfs'
  const self = containerFixture({ config: { lowerDir: lower } })
  const other = containerFixture({ config: { lowerDir: lower } })
  const elsewhere = containerFixture({ config: { lowerDir: '/var/lib/podctl/storage/images/y/rootfs' } })
  const noConfig = containerFixture()
  s.write(() => { for (const c of [self, elsewhere, noConfig]) insertContainer(s, c) })
  assert.not.ok(isLowerDirShared(s, self.id, lower), 'only the container itself uses it')
  s.write(() => insertContainer(s, other))
  assert.ok(isLowerDirShared(s, self.id, lower))
  assert.ok(isLowerDirShared(s, other.id, lower))
  assert.not.ok(isLowerDirShared(s, elsewhere.id, '/var/lib/podctl/storage/images/y/rootfs'))
  assert.not.ok(isLowerDirShared(s, self.id, '/var/lib/podctl/storage/images/z/rootfs'))
})

test.run()
