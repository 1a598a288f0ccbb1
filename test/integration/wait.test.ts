import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('wait (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])

test('wait prints each exit code in the order given, once the containers have exited', () => withTestHost(async h => {
  await importBusyboxImage(h)
  for (const [name, code] of [['seven', 7], ['zero', 0]] as const) {
    assert.is((await cli(h, 'run', '-d', '--network', 'none', '--name', name, 'busybox', 'sh', '-c', `sleep 0.4; exit ${code}`)).code, 0)
  }
  assert.equal(await cli(h, 'wait', 'zero', 'seven'), { code: 0, stdout: '0\n7\n', stderr: '' })
  assert.equal(await cli(h, 'container', 'wait', '--condition', 'exited', '-i', '10ms', 'seven'), { code: 0, stdout: '7\n', stderr: '' })
}))

test('wait --condition running: blocks until started, prints -1; a missing container exits 125', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.is((await cli(h, 'create', '--network', 'none', '--name', 'later', 'busybox', 'sleep', '100')).code, 0)
  const waiting = cli(h, 'wait', '--condition=running', '--interval', '20', 'later')
  await new Promise(resolve => setTimeout(resolve, 300))
  assert.is((await cli(h, 'start', 'later')).code, 0)
  assert.equal(await waiting, { code: 0, stdout: '-1\n', stderr: '' })
  assert.equal(await cli(h, 'wait', 'nope'), { code: 125, stdout: '', stderr: 'Error: no container with name or ID "nope" found: no such container\n' })
  assert.equal(await cli(h, 'wait', '--condition', 'bogus', 'later'), { code: 125, stdout: '', stderr: 'Error: bogus is not a valid wait condition: must be one of created, running, stopped, exited, removing\n' })
  assert.equal(await cli(h, 'wait', '--interval', 'x', 'later'), { code: 125, stdout: '', stderr: 'Error: time: invalid duration "x"\n' })
  assert.is((await cli(h, 'rm', '-f', '-t', '0', 'later')).code, 0)
}))

test.run()
