import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import type { Finding } from '../../src/check/types.js'
import { IMAGE_CRASH_ENV, IMAGE_CRASH_POINTS } from '../../src/images/crash-points.js'
import { paths } from '../../src/storage/paths.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import { withImage, withRegistry } from '../helpers/registry.js'

// A SIGKILL at each crash point of pull and rmi leaves nothing system check --repair cannot
// finish: afterwards the check is clean, and the pull (or the removal) works again.
const test = suite('images: SIGKILL mid-pull and mid-rmi, then system check --repair')

const cli = (h: TestHost, args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args], { env })

async function check (h: TestHost, repair = false): Promise<{ code: number, kinds: string[] }> {
  const r = await cli(h, ['system', 'check', ...(repair ? ['--repair'] : []), '--format', 'json'])
  return { code: r.code, kinds: [...new Set((JSON.parse(r.stdout) as { findings: Finding[] }).findings.map(f => `${f.kind}${repair && !f.repaired ? ' (not repaired)' : ''}`))].sort() }
}

const storageLeft = (h: TestHost): string[] => [
  ...fs.readdirSync(paths.layers(h.config)).filter(n => n !== 'l'),
  ...fs.readdirSync(paths.layerLinks(h.config)),
  ...(fs.existsSync(paths.imageTmp(h.config)) ? fs.readdirSync(paths.imageTmp(h.config)) : []),
  ...fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')),
]

test('every crash point of pull and rmi', () => withRegistry(reg => withImage(async img => {
  img.busybox().layer(r => { fs.writeFileSync(path.join(r, 'two'), '2') }).config(['--config.cmd', 'true'])
  const ref = img.push(reg, 'crash:latest')
  const pull = ['pull', '-q', '--tls-verify=false', ref]
  for (const point of IMAGE_CRASH_POINTS) {
    await withTestHost(async h => {
      const inPull = point === 'layer-unpacked' || point === 'layer-stored'
      if (!inPull) assert.is((await cli(h, pull)).code, 0)
      const killed = await cli(h, inPull ? pull : ['rmi', ref], { [IMAGE_CRASH_ENV]: point })
      assert.is(killed.signal, 'SIGKILL', `${point}: ${killed.stderr}`)
      const found = await check(h)
      assert.is(found.code, 1, point)
      assert.equal(found.kinds, ['orphan-blob', 'orphan-layer'], point)
      const fixed = await check(h, true)
      assert.equal(fixed.code, 0, `${point}: ${fixed.kinds.join(' ')}`)
      assert.equal(await check(h), { code: 0, kinds: [] }, point)
      assert.equal(storageLeft(h), [], `${point}: the images and everything they had are gone`)
      // And the work can be done again from there.
      assert.is((await cli(h, pull)).code, 0, point)
      assert.is((await cli(h, ['run', '--rm', '--network', 'none', ref])).code, 0, point)
      assert.is((await cli(h, ['rmi', ref])).code, 0, point)
      assert.equal(storageLeft(h), [], point)
    })
  }
})))

test.run()
