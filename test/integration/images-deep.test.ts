import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { storeImage } from '../../src/images/image-store.js'
import { paths } from '../../src/storage/paths.js'
import { buildBusyboxRootfs } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'

// A deep image: its lowerdir list with absolute layer paths would be far over a page
// (the kernel's limit for mount options); the short links keep it under.
const test = suite('images: a 120-layer image mounts and runs')

const LAYERS = 120

// One uncompressed tar holding layers/f<i>.
function oneFileTar (i: number): Buffer {
  const body = Buffer.from(`layer ${i}\n`)
  const h = Buffer.alloc(512)
  h.write(`layers/f${i}`, 0)
  h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116)
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('0', 156)
  h.write('ustar\0', 257); h.write('00', 263)
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const data = Buffer.alloc(512); body.copy(data)
  return Buffer.concat([h, data, Buffer.alloc(1024)])
}

test(`${LAYERS} layers: overlay options fit a page, every layer is visible, top first`, () => withTestHost(async h => {
  const blobs = path.join(paths.blobs(h.config), 'sha256')
  fs.mkdirSync(blobs, { recursive: true })
  const put = (data: Buffer): string => {
    const hex = createHash('sha256').update(data).digest('hex')
    fs.writeFileSync(path.join(blobs, hex), data)
    return `sha256:${hex}`
  }
  const rootfs = buildBusyboxRootfs()
  let base: string
  try {
    base = put(execFileSync('tar', ['-cf', '-', '-C', rootfs, '--numeric-owner', '.'], { maxBuffer: 64 << 20 }))
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true })
  }
  const layerDigests = [base, ...Array.from({ length: LAYERS }, (_, i) => put(oneFileTar(i)))]
  const config = { architecture: 'amd64', os: 'linux', config: { Cmd: ['sh', '-c', 'ls /layers | wc -l; cat /layers/f0 /layers/f119'] }, rootfs: { type: 'layers', diff_ids: layerDigests } }
  const configDigest = put(Buffer.from(JSON.stringify(config)))
  await storeImage(h, {
    manifestDigest: configDigest, configDigest, config,
    layers: layerDigests.map(d => ({ diffId: d, digest: d, mediaType: 'application/vnd.oci.image.layer.v1.tar', size: 0 })),
  }, ['localhost/deep:latest'], [], 'test')
  // With absolute paths the lowerdir list alone would be this long.
  assert.ok(layerDigests.length * paths.layerDiff(h.config, 'x'.repeat(64)).length > 4096)
  const r = await runPodctl([...hostArgs(h), 'run', '--rm', '--network', 'none', 'deep'])
  assert.equal([r.code, r.stdout, r.stderr], [0, `${LAYERS}\nlayer 0\nlayer 119\n`, ''])
}))

test.run()
