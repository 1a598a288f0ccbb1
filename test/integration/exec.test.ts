import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('exec (real runc, built CLI)')

const cli = async (h: TestHost, args: string[], input?: string) => await runPodctl([...hostArgs(h), ...args], input === undefined ? {} : { input })

test('the container\'s env, workdir and user unless -e/-w/-u; exit status; stdin with -i; -d prints a session ID', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await cli(h, ['run', '-d', '--name', 'box', '--network', 'none', '-e', 'FROM_RUN=1', '-w', '/tmp', 'busybox', 'sleep', '100'])
  assert.is(r.code, 0, r.stderr)
  assert.equal(await cli(h, ['exec', 'box', 'sh', '-c', 'echo $FROM_RUN $(pwd) $(id -u); exit 3']), { code: 3, stdout: '1 /tmp 0\n', stderr: '' })
  assert.equal(await cli(h, ['exec', '-e', 'X=2', '-w', '/', '-u', 'nobody', 'box', 'sh', '-c', 'echo $X $FROM_RUN $(pwd) $(id -u)']), { code: 0, stdout: '2 1 / 65534\n', stderr: '' })
  assert.equal(await cli(h, ['exec', '-i', 'box', 'cat'], 'from stdin\n'), { code: 0, stdout: 'from stdin\n', stderr: '' })
  assert.equal(await cli(h, ['exec', 'box', 'cat'], 'ignored\n'), { code: 0, stdout: '', stderr: '' })
  assert.equal(await cli(h, ['exec', 'box', 'sh', '-c', 'echo to-err >&2']), { code: 0, stdout: '', stderr: 'to-err\n' })
  const d = await cli(h, ['exec', '-d', 'box', 'sh', '-c', 'echo detached > /tmp/d'])
  assert.match(d.stdout, /^[0-9a-f]{64}\n$/)
  let seen = ''
  for (let i = 0; i < 50 && seen !== 'detached\n'; i++) seen = (await cli(h, ['exec', 'box', 'cat', '/tmp/d'])).stdout
  assert.is(seen, 'detached\n')
  assert.equal(await cli(h, ['exec', '-l', 'echo', 'latest']), { code: 0, stdout: 'latest\n', stderr: '' })
}))

test('Podman\'s exit codes: 127 not found, 126 cannot invoke, 125 podctl\'s own errors', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await cli(h, ['run', '-d', '--name', 'box', '--network', 'none', 'busybox', 'sleep', '100'])
  const id = r.stdout.trim()
  assert.equal(await cli(h, ['exec', 'box', 'nosuchcmd']),
    { code: 127, stdout: '', stderr: `Error: runc exec ${id}: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH\n` })
  assert.equal(await cli(h, ['exec', 'box', '/etc/passwd']),
    { code: 126, stdout: '', stderr: `Error: runc exec ${id}: exec failed: unable to start container process: exec: "/etc/passwd": permission denied\n` })
  assert.equal(await cli(h, ['exec', 'nosuch', 'true']), { code: 125, stdout: '', stderr: 'Error: no container with name or ID "nosuch" found: no such container\n' })
  assert.equal(await cli(h, ['exec', 'box']), { code: 125, stdout: '', stderr: 'Error: must provide a non-empty command to start an exec session: invalid argument\n' })
  assert.equal(await cli(h, ['exec', '-u', 'nosuchuser', 'box', 'true']), { code: 125, stdout: '', stderr: 'Error: unable to find user nosuchuser: no matching entries in passwd file\n' })
  assert.equal(await cli(h, ['exec', '--bogus', 'box', 'true']), { code: 125, stdout: '', stderr: 'Error: unknown flag: --bogus\nSee \'podctl exec --help\'\n' })
  assert.is((await cli(h, ['stop', '-t', '0', 'box'])).code, 0)
  assert.equal(await cli(h, ['exec', 'box', 'true']), { code: 125, stdout: '', stderr: 'Error: can only create exec sessions on running containers: container state improper\n' })
  assert.is((await cli(h, ['rm', 'box'])).code, 0)
}))

test.run()
