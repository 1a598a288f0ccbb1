import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('logs of several containers (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])

test('one container: lines as written; several: each line starts with the short ID, the name with --names, colored with --color', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const ids: Record<string, string> = {}
  for (const name of ['alpha', 'beta']) {
    const r = await cli(h, 'run', '-d', '--network', 'none', '--name', name, 'busybox', 'sh', '-c', `echo ${name}-1; echo ${name}-2`)
    assert.is(r.code, 0, r.stderr)
    ids[name] = r.stdout.trim()
  }
  assert.equal(await cli(h, 'wait', 'alpha', 'beta'), { code: 0, stdout: '0\n0\n', stderr: '' })
  assert.equal(await cli(h, 'logs', '--color', 'alpha'), { code: 0, stdout: 'alpha-1\nalpha-2\n', stderr: '' })
  const byId = await cli(h, 'logs', 'alpha', 'beta')
  assert.equal(byId.stdout.split('\n').filter(Boolean).sort(), [`${ids['alpha']!.slice(0, 12)} alpha-1`, `${ids['alpha']!.slice(0, 12)} alpha-2`, `${ids['beta']!.slice(0, 12)} beta-1`, `${ids['beta']!.slice(0, 12)} beta-2`].sort())
  const named = await cli(h, 'logs', '--names', 'alpha', 'beta')
  assert.equal(named.stdout.split('\n').filter(Boolean).sort(), ['alpha alpha-1', 'alpha alpha-2', 'beta beta-1', 'beta beta-2'])
  const colored = await cli(h, 'logs', '-n', '--color', 'alpha', 'beta')
  assert.equal(colored.stdout.split('\n').filter(Boolean).sort(), ['\x1b[31malpha\x1b[0m alpha-1', '\x1b[31malpha\x1b[0m alpha-2', '\x1b[32mbeta\x1b[0m beta-1', '\x1b[32mbeta\x1b[0m beta-2'])
  assert.is((await cli(h, 'rm', '-f', 'alpha', 'beta')).code, 0)
}))

test.run()
