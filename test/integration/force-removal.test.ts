import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isProcessAlive } from '../../src/runtime/proc-status.js'
import { paths } from '../../src/storage/paths.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'

// volume rm -f and image rm -f remove the containers using the object (and what depends on
// them) through the removal engine first, as Podman does; without -f they refuse (exit 2).
const test = suite('volume/image rm -f through the removal engine (real runc)')

const cli = (h: TestHost, ...args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])
const ids = (h: TestHost): string[] => (h.store.db.prepare('SELECT name FROM containers ORDER BY name').all() as { name: string }[]).map(r => r.name)

test('volume rm -f removes its users and their dependents, keeps the rest', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (const args of [
    ['run', '-d', '--network', 'none', '--name', 'user', '-v', 'data:/d', 'busybox', 'sleep', '1000'],
    ['run', '-d', '--network', 'none', '--name', 'dependent', '--requires', 'user', 'busybox', 'sleep', '1000'],
    ['run', '-d', '--network', 'none', '--name', 'other', 'busybox', 'sleep', '1000'],
  ]) assert.is((await cli(h, ...args)).code, 0)
  const pid = (JSON.parse((await cli(h, 'inspect', 'user')).stdout) as { State: { Pid: number } }[])[0]!.State.Pid
  const refused = await cli(h, 'volume', 'rm', 'data')
  assert.is(refused.code, 2, refused.stderr)
  assert.equal(ids(h), ['dependent', 'other', 'user'])
  const r = await cli(h, 'volume', 'rm', '-f', 'data')
  assert.equal([r.code, r.stdout, r.stderr], [0, 'data\n', ''])
  assert.equal(ids(h), ['other'])
  assert.not.ok(isProcessAlive(pid))
  assert.not.ok(fs.existsSync(paths.volume(h.config, 'data')))
}))

test('image rm -f removes the containers using the image, then the image', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.is((await cli(h, 'run', '-d', '--network', 'none', '--name', 'a', 'busybox', 'sleep', '1000')).code, 0)
  assert.is((await cli(h, 'create', '--network', 'none', '--name', 'b', 'busybox', 'true')).code, 0)
  const r = await cli(h, 'image', 'rm', '-f', 'busybox')
  assert.is(r.code, 0, r.stderr)
  // Podman's lines: each name untagged, then the image deleted.
  assert.match(r.stdout, /^Untagged: busybox:latest\nDeleted: [0-9a-f]{64}\n$/)
  assert.equal(ids(h), [])
  assert.is((h.store.db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n, 0)
  assert.equal(fs.readdirSync(`${h.config.root}/storage/images`), [])
}))

test.run()
