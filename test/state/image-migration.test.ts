import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer } from '../../src/state/container-rows.js'
import { addImageName, deleteImageRow, getImage, lookupImage } from '../../src/state/image-rows.js'
import { MIGRATIONS } from '../../src/state/schema.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'

const test = suite('image migration (one name per image → image_names)')

test('a v2 state with an image in use migrates: names kept, the container still references it, the FK still holds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-migrate-'))
  try {
    const file = path.join(dir, 'state.db')
    const old = new Database(file)
    old.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, 2)) old.exec(m)
    old.pragma('user_version = 2')
    const img = 'a'.repeat(64); const ctr = 'c'.repeat(64)
    old.prepare('INSERT INTO images (id, name, created_at, size, source) VALUES (?, ?, 1, 42, ?)').run(img, 'busybox:latest', '/src')
    old.prepare("INSERT INTO containers (id, name, image_id, state, created_at) VALUES (?, 'c1', ?, 'created', 2)").run(ctr, img)
    old.close()
    using store = StateStore.open(dir)
    assert.is(store.schemaVersion, MIGRATIONS.length)
    const i = lookupImage(store, 'busybox')!
    assert.equal([i.id, i.name, i.names, i.size, i.source, i.layers, i.repoDigests], [img, 'busybox:latest', ['busybox:latest'], 42, '/src', [], []])
    assert.is(getContainer(store, ctr)?.imageId, img)
    assert.throws(() => store.write(() => deleteImageRow(store, img)), /FOREIGN KEY/)
    assert.equal(store.db.prepare('SELECT name FROM sqlite_master WHERE name = ?').all('images_before_names'), [])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a v4 state migrates to names history: each image starts from its current names, newest first; a moved name stays in the history', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-migrate-'))
  try {
    const file = path.join(dir, 'state.db')
    const old = new Database(file)
    old.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, 4)) old.exec(m)
    old.pragma('user_version = 4')
    const a = 'a'.repeat(64); const b = 'b'.repeat(64)
    old.prepare("INSERT INTO images (id, created_at) VALUES (?, 1), (?, 2)").run(a, b)
    old.prepare("INSERT INTO image_names (name, image_id, added_at) VALUES ('r/x:1', ?, 10), ('r/x:2', ?, 20)").run(a, a)
    old.close()
    using store = StateStore.open(dir)
    assert.is(store.schemaVersion, MIGRATIONS.length)
    assert.equal([getImage(store, a)?.namesHistory, getImage(store, b)?.namesHistory], [['r/x:2', 'r/x:1'], []])
    store.write(() => addImageName(store, b, 'r/x:1'))
    assert.equal([getImage(store, a)?.names, getImage(store, a)?.namesHistory, getImage(store, b)?.namesHistory], [['r/x:2'], ['r/x:2', 'r/x:1'], ['r/x:1']])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
