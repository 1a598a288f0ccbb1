import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('run flags podman-compose emits (real runc, built CLI)')

const cli = async (h: TestHost, ...args: string[]) => await runPodctl([...hostArgs(h), ...args])
const run = async (h: TestHost, flags: string[], script: string) => await cli(h, 'run', '--rm', '--network', 'none', ...flags, 'busybox', 'sh', '-c', script)

test('-u, -w, --entrypoint, --env-file, --hostname, --add-host, --dns reach the process as in Podman', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.equal(await run(h, ['-u', 'nobody'], 'id -u; id -g; id -G'), { code: 0, stdout: '65534\n65534\n65534 100\n', stderr: '' })
  assert.equal(await run(h, ['-u', '1234:users'], 'id -u; id -g'), { code: 0, stdout: '1234\n100\n', stderr: '' })
  assert.equal(await run(h, ['-w', '/srv/app'], 'pwd'), { code: 0, stdout: '/srv/app\n', stderr: '' })
  const ep = await cli(h, 'run', '--rm', '--network', 'none', '--entrypoint', '["/bin/echo","from-entrypoint"]', 'busybox', 'arg1')
  assert.equal(ep, { code: 0, stdout: 'from-entrypoint arg1\n', stderr: '' })
  const envFile = path.join(h.dir, 'app.env')
  fs.writeFileSync(envFile, '# comment\nA=1\n\nB=two words\nC=from-file\n')
  assert.equal(await run(h, ['--env-file', envFile, '-e', 'C=from-flag'], 'echo "$A|$B|$C"'), { code: 0, stdout: '1|two words|from-flag\n', stderr: '' })
  const names = await run(h, ['--hostname', 'web1', '--name', 'named1', '--add-host', 'db.local:10.1.2.3', '--dns', '192.0.2.53', '--dns-search', 'example.test'], 'hostname; cat /etc/hostname; grep db.local /etc/hosts; grep -c web1 /etc/hosts; cat /etc/resolv.conf')
  assert.equal(names, { code: 0, stdout: 'web1\nweb1\n10.1.2.3\tdb.local\n1\nsearch example.test\nnameserver 192.0.2.53\n', stderr: '' })
}))

test('--read-only, --tmpfs, --cap-drop/--cap-add, --ulimit, --init, --privileged', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.equal(await run(h, ['--read-only'], 'touch /x 2>/dev/null || echo ro; touch /tmp/y && echo tmp-rw'), { code: 0, stdout: 'ro\ntmp-rw\n', stderr: '' })
  assert.equal(await run(h, ['--tmpfs', '/scratch:size=1m'], 'grep " /scratch " /proc/mounts | cut -d" " -f3'), { code: 0, stdout: 'tmpfs\n', stderr: '' })
  // CAP_CHOWN is bit 0 of the effective set.
  const capEff = async (flags: string[]) => BigInt('0x' + (await run(h, flags, 'grep CapEff /proc/self/status')).stdout.split(/\s+/)[1]!)
  assert.is(await capEff(['--cap-drop', 'chown']) & 1n, 0n)
  assert.is(await capEff([]) & 1n, 1n)
  assert.is((await capEff(['--cap-add', 'NET_ADMIN']) >> 12n) & 1n, 1n)
  assert.is((await capEff([]) >> 12n) & 1n, 0n)
  assert.is((await capEff(['--privileged']) >> 21n) & 1n, 1n)
  assert.equal(await run(h, ['--ulimit', 'nofile=321:654'], 'ulimit -n; ulimit -Hn'), { code: 0, stdout: '321\n654\n', stderr: '' })
  assert.equal(await run(h, ['--init'], 'cat /proc/1/comm; readlink /proc/1/exe'), { code: 0, stdout: 'podman-init\n/run/podman-init\n', stderr: '' })
  const restart = await cli(h, 'create', '--name', 'rp', '--network', 'none', '--restart', 'on-failure:3', 'busybox', 'true')
  assert.is(restart.code, 0, restart.stderr)
  const policy = await cli(h, 'inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'rp')
  assert.equal(policy, { code: 0, stdout: 'on-failure:3\n', stderr: '' })
  assert.is((await cli(h, 'rm', 'rp')).code, 0)
}))

test('bad values: clear errors, exit 125, nothing created', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const cases: [string[], string][] = [
    [['--ulimit', 'nofile=10:5'], 'Error: --ulimit nofile=10:5: ulimit soft limit must be less than or equal to hard limit: 10 > 5\n'],
    [['--ulimit', 'bogus=1'], 'Error: --ulimit bogus=1: invalid ulimit type: bogus\n'],
    [['--cap-add', 'NOT_A_CAP'], 'Error: --cap-add: unknown capability "NOT_A_CAP": invalid argument\n'],
    [['--add-host', 'nocolon'], 'Error: invalid add-host "nocolon": invalid hostname\n'],
    [['--add-host', 'h:999.1.1.1'], 'Error: invalid IP address in add-host: "999.1.1.1"\n'],
    [['--dns', 'not-an-ip'], 'Error: not-an-ip is not an ip address\n'],
    [['--restart', 'sometimes'], 'Error: invalid restart policy: sometimes: invalid argument\n'],
    [['--restart', 'always:3'], 'Error: restart policy retries can only be specified with on-failure restart policy: invalid argument\n'],
    [['--tmpfs', 'relative'], 'Error: --tmpfs: invalid container path "relative", must be an absolute path\n'],
    [['-w', '../up'], 'Error: --workdir: invalid container path "../up", must be an absolute path\n'],
    [['--entrypoint', '["a",1]'], 'Error: invalid --entrypoint ["a",1]: not a JSON array of strings\n'],
    [['--env-file', '/nonexistent/env'], 'Error: open /nonexistent/env: no such file or directory\n'],
    [['--hostname', 'bad_host!'], 'Error: invalid hostname "bad_host!"\n'],
    [['--network-alias', 'x'], 'Error: --network-alias requires a user-defined network: invalid argument\n'],
    [['--network', 'n1:mac=aa'], 'Error: invalid --network "n1:mac=aa": unsupported network option "mac" (podctl knows alias and ip)\n'],
  ]
  for (const [flags, stderr] of cases) {
    const network = flags.includes('--network') ? [] : ['--network', 'none']
    assert.equal(await cli(h, 'create', ...network, ...flags, 'busybox', 'true'), { code: 125, stdout: '', stderr }, flags.join(' '))
  }
  const user = await cli(h, 'run', '--rm', '--network', 'none', '-u', 'nosuchuser', 'busybox', 'true')
  assert.equal([user.code, user.stderr], [125, 'Error: unable to find user nosuchuser: no matching entries in passwd file\n'])
  assert.equal((await cli(h, 'ps', '-a', '-q')).stdout, '')
}))

test.run()
