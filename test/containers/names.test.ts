import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { generateName } from '../../src/containers/names.js'
import { isValidName } from '../../src/ids.js'
import { insertContainer } from '../../src/state/container-rows.js'
import { insertPod } from '../../src/state/pod-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture, podFixture } from '../helpers/fixtures.js'

const test = suite('names')

test('generateName: Podman-style adjective_noun, a valid name', () => {
  using store = StateStore.openMemory()
  const seen = new Set<string>()
  for (let i = 0; i < 500; i++) {
    const n = generateName(store)
    assert.match(n, /^[a-z]+_[a-z]+$/)
    assert.ok(isValidName(n), n)
    seen.add(n)
  }
  // Parallel creates draw before they insert: with ~1000 pairs 500 draws repeated ~100 names;
  // with 16,000 about 8.
  assert.ok(seen.size >= 470, `${seen.size} distinct names in 500 draws`)
})

test('generateName never returns a name a container or pod already has; when the pairs run short it adds digits', () => {
  using store = StateStore.openMemory()
  const names: string[] = []
  // 16,000 adjective_noun pairs exist: taking 20,000 names runs them short.
  for (let i = 0; i < 20_000; i++) {
    const n = generateName(store)
    names.push(n)
    if (i % 2 === 0) insertContainer(store, containerFixture({ name: n }))
    else insertPod(store, podFixture({ name: n }))
  }
  assert.is(new Set(names).size, names.length)
  for (const n of names) assert.match(n, /^[a-z]+_[a-z]+(\d{1,3})?$/)
  assert.ok(names.some(n => /\d$/.test(n)), 'no name with digits after 20,000')
})

test.run()
