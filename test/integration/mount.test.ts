import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('--mount (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])

test('--mount type=volume creates and mounts the named volume; type=bind,ro is read-only; a bad mount creates nothing', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const hostDir = path.join(h.dir, 'share'); fs.mkdirSync(hostDir); fs.writeFileSync(path.join(hostDir, 'f'), 'from host\n')
  const w = await cli(h, 'run', '--rm', '--network', 'none', '--mount', 'type=volume,source=data,destination=/data', 'busybox', 'sh', '-c', 'echo kept > /data/x')
  assert.equal(w, { code: 0, stdout: '', stderr: '' })
  assert.equal(fs.readFileSync(path.join(h.config.root, 'volumes', 'data', '_data', 'x'), 'utf8'), 'kept\n')
  const r = await cli(h, 'run', '--rm', '--network', 'none', '--mount', 'type=volume,src=data,dst=/d,ro', '--mount', `type=bind,source=${hostDir},target=/h,readonly`, 'busybox', 'sh', '-c', 'cat /d/x /h/f; touch /h/g 2>/dev/null || echo ro')
  assert.equal(r, { code: 0, stdout: 'kept\nfrom host\nro\n', stderr: '' })
  const bad = await cli(h, 'create', '--name', 'bad', '--mount', 'type=image,destination=/t', 'busybox', 'true')
  assert.equal(bad, { code: 125, stdout: '', stderr: 'Error: --mount type=image is not supported by podctl: use type=volume, type=bind or type=tmpfs\n' })
  assert.equal((await cli(h, 'ps', '-a', '-q')).stdout, '')
  assert.is((await cli(h, 'volume', 'rm', 'data')).code, 0)
}))

test.run()
