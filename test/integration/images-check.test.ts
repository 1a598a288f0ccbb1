import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/types.js'
import { paths } from '../../src/storage/paths.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import { withImage, withRegistry } from '../helpers/registry.js'

// What a SIGKILL mid-pull or mid-rmi leaves in image storage, and system check --repair
// finishing it: half-unpacked layers, layers no image uses, blobs nobody references,
// pull scratch dirs; an image missing a layer is reported, not "repaired".
const test = suite('images: system check of image storage')

const cli = (h: TestHost, ...args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])

async function check (h: TestHost, repair = false): Promise<{ code: number, findings: [string, string, boolean][] }> {
  const r = await cli(h, 'system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json')
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings.map(f => [f.kind, f.object, f.repaired]) }
}

test('crash leftovers are found and repaired; a pulled image in use is left alone', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const ref = img.push(reg, 'bb:latest')
  img.layer(r => { fs.writeFileSync(path.join(r, 'x'), 'x') })
  const ref2 = img.push(reg, 'bb2:latest')
  await withTestHost(async h => {
    assert.is((await cli(h, 'pull', '-q', '--tls-verify=false', ref)).code, 0)
    assert.is((await cli(h, 'create', '--network', 'none', ref)).code, 0)
    assert.is((await cli(h, 'pull', '-q', '--tls-verify=false', ref2)).code, 0)
    assert.equal(await check(h), { code: 0, findings: [] })
    const layers = paths.layers(h.config)
    const own = fs.readdirSync(layers).filter(n => /^[0-9a-f]{64}$/.test(n))
    assert.is(own.length, 2)
    // A kill mid-rmi of bb2: its row is gone, its own layer and blobs stay.
    h.store.write(() => h.store.db.prepare("DELETE FROM images WHERE id NOT IN (SELECT image_id FROM containers WHERE image_id IS NOT NULL)").run())
    const extraLayer = own.find(l => h.store.db.prepare("SELECT 1 FROM images, json_each(images.layers) j WHERE json_extract(j.value, '$.diffId') = ?").get(`sha256:${l}`) === undefined)!
    // A kill mid-unpack and mid-pull.
    fs.mkdirSync(path.join(layers, `.tmp-${'e'.repeat(64)}-1234`, 'diff'), { recursive: true })
    fs.mkdirSync(path.join(paths.imageTmp(h.config), 'pull-abc'), { recursive: true })
    fs.symlinkSync('../nothing/diff', path.join(paths.layerLinks(h.config), 'DANGLINGLINK00000000000000'))
    const found = await check(h)
    assert.is(found.code, 1)
    assert.equal(found.findings.map(f => f.slice(0, 2)).sort(), [
      ['orphan-blob', path.join(paths.blobs(h.config), 'sha256')],
      ['orphan-layer', path.join(layers, `.tmp-${'e'.repeat(64)}-1234`)],
      ['orphan-layer', path.join(layers, extraLayer)],
      ['orphan-layer', path.join(paths.layerLinks(h.config), 'DANGLINGLINK00000000000000')],
      ['orphan-layer', path.join(paths.imageTmp(h.config), 'pull-abc')],
    ].sort())
    const fixed = await check(h, true)
    assert.equal([fixed.code, fixed.findings.every(f => f[2])], [0, true])
    assert.equal(await check(h), { code: 0, findings: [] })
    assert.equal(fs.readdirSync(layers).filter(n => n !== 'l'), own.filter(l => l !== extraLayer))
    // The image still in use runs.
    assert.is((await cli(h, 'run', '--rm', '--network', 'none', ref, 'true')).code, 0)
    // Its layer deleted under it: reported with no repair.
    fs.rmSync(path.join(layers, own.find(l => l !== extraLayer)!, 'link'))
    const missing = await check(h, true)
    assert.equal(missing.code, 1)
    assert.ok(missing.findings.some(f => f[0] === 'missing-layer' && !f[2]), JSON.stringify(missing.findings))
  })
})))

test.run()
