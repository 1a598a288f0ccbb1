import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('podman-compose 1.6 call forms, replayed as that release issues them')

// The upstream release is not a Debian package (and there is no PyPI here): its calls, as
// read from its source and a log of a real run against Podman, are replayed one by one.
test('up (pod, requires, --mount, --network N:alias=), wait --condition=running, ps --format json, logs --color, down, down -v', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const p = `u${process.pid}`
  const cli = async (...args: string[]) => await runPodctl([...hostArgs(h), ...args])
  const ok = async (...args: string[]) => {
    const r = await cli(...args)
    assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const label = `io.podman.compose.project=${p}`
  try {
    assert.match(await ok('--version', ''), /^podctl version \d+\.\d+\.\d+\n$/)
    assert.is((await cli('pod', 'exists', `pod_${p}`)).code, 1)
    await ok('pod', 'create', `--name=pod_${p}`, '--infra=false', '--share=')
    assert.is((await cli('volume', 'inspect', `${p}_data`)).code, 125)
    await ok('volume', 'create', '--label', label, '--label', `com.docker.compose.project=${p}`, `${p}_data`)
    assert.is((await cli('network', 'exists', `${p}_default`)).code, 1)
    await ok('network', 'create', '--label', label, `${p}_default`)
    assert.is((await cli('network', 'exists', `${p}_default`)).code, 0)
    await ok('create', `--name=${p}_db_1`, `--pod=pod_${p}`, '--label', label, '--label', 'com.docker.compose.service=db', '-e', 'ROLE=db',
      '--mount', `type=volume,source=${p}_data,destination=/data`, `--network=${p}_default:alias=db`, 'busybox', 'sh', '-c', 'echo db > /data/who; exec sleep 100')
    await ok('create', `--name=${p}_web_1`, `--pod=pod_${p}`, `--requires=${p}_db_1`, '--label', label, '--label', 'com.docker.compose.service=web',
      `--network=${p}_default:alias=web`, 'busybox', 'sh', '-c', 'nslookup db >/dev/null && echo web-resolved-db; exec sleep 100')
    await ok('start', `${p}_db_1`)
    assert.is(await ok('wait', '--condition=running', `${p}_db_1`), '-1\n')
    await ok('start', `${p}_web_1`)
    const ps = JSON.parse(await ok('ps', '-a', '--filter', `label=${label}`, '--format', 'json')) as { Names: string[], Id: string, Labels: Record<string, string>, Exited: boolean, State: string }[]
    assert.equal(ps.map(c => [c.Names[0], c.Id.length, c.Labels['io.podman.compose.project'], c.Exited, c.State]).sort(),
      [[`${p}_db_1`, 64, p, false, 'running'], [`${p}_web_1`, 64, p, false, 'running']])
    let logs = ''
    for (let i = 0; i < 50 && !logs.includes('web-resolved-db'); i++) logs = await ok('logs', '--color', `${p}_web_1`)
    assert.is(logs, 'web-resolved-db\n')
    assert.is(fs.readFileSync(path.join(h.config.root, 'volumes', `${p}_data`, '_data', 'who'), 'utf8'), 'db\n')
    // down
    await ok('stop', '-t', '1', `${p}_web_1`)
    await ok('stop', '-t', '1', `${p}_db_1`)
    await ok('rm', `${p}_web_1`)
    await ok('rm', `${p}_db_1`)
    await ok('pod', 'rm', `pod_${p}`)
    assert.is(await ok('network', 'ls', '--noheading', '--filter', `label=${label}`, '--format', '{{.Name}}'), `${p}_default\n`)
    await ok('network', 'rm', `${p}_default`)
    // down -v
    assert.is(await ok('volume', 'ls', '--noheading', '--filter', `label=${label}`, '--format', '{{.Name}}'), `${p}_data\n`)
    await ok('volume', 'rm', `${p}_data`)
    assert.equal([await ok('ps', '-a', '-q'), await ok('pod', 'ps', '-q'), await ok('volume', 'ls', '-q')], ['', '', ''])
    assert.not.match(await ok('network', 'ls', '--format', '{{.Name}}'), new RegExp(`${p}_default`))
  } finally {
    await cli('pod', 'rm', '-f', '-t', '0', `pod_${p}`)
    await cli('network', 'rm', '-f', `${p}_default`)
  }
}))

test.run()
