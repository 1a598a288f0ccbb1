import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { DNSNAME_DIR } from '../../src/network/dns-server.js'
import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { PODCTL_LAUNCHER, runPodctl } from '../helpers/cli.js'
import type { CliRun } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'

const test = suite('podman-compose (Debian\'s 1.0.3, the real client) drives podctl')

const COMPOSE = `version: "3"
services:
  db:
    image: busybox
    command: ["sh", "-c", "[ -f /data/first ] || echo $$RANDOM$$RANDOM > /data/first; echo db-up; exec sleep 1000"]
    volumes:
      - data:/data
    networks:
      - appnet
    labels:
      tier: backend
  web:
    image: busybox
    command: sh -c 'echo "web sees $$GREETING"; nslookup db | grep -A1 "^Name:" | tail -1; while true; do echo served-by-web | nc -l -p 8080; done'
    ports:
      - "PORT:8080"
    depends_on:
      - db
    environment:
      GREETING: hello
    networks:
      - appnet
volumes:
  data:
networks:
  appnet:
`

function compose (dir: string, wrapper: string, project: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman-compose', ['--podman-path', wrapper, '-p', project, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.on('error', reject)
    child.on('close', code => { clearTimeout(timer); resolve({ code: code ?? 128, stdout, stderr }) })
  })
}

test('up -d, ps, logs (names resolve between services), down, up -d again (the volume keeps its data), down -v: nothing left', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const project = `pc${process.pid}`
  const dir = path.join(h.dir, 'project')
  fs.mkdirSync(dir)
  // A host port nothing else here uses (unique per test process).
  const port = 20000 + process.pid % 20000
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), COMPOSE.replace('PORT', String(port)))
  const wrapper = path.join(h.dir, 'podman')
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${PODCTL_LAUNCHER} ${hostArgs(h).join(' ')} "$@"\n`, { mode: 0o755 })
  const cli = async (...args: string[]) => await runPodctl([...hostArgs(h), ...args])
  const network = `${project}_appnet`
  try {
    const up = await compose(dir, wrapper, project, 'up', '-d')
    assert.is(up.code, 0, up.stdout + up.stderr)
    assert.match(up.stdout, /using podman version: 0\.1\.0/)
    let logs = ''
    for (let i = 0; i < 100 && !/Address: 10\./.test(logs); i++) {
      await sleep(200)
      logs = (await compose(dir, wrapper, project, 'logs')).stdout
    }
    assert.match(logs, /web sees hello/)
    assert.match(logs, /db-up/)
    assert.match(logs, /Address: 10\.\d+\.\d+\.\d+/, 'web resolved db by its service name')
    // The published port reaches the service from the host (portmap through podctl's -p).
    let served = ''
    for (let i = 0; i < 50 && served === ''; i++) {
      served = await new Promise<string>(resolve => {
        const sock = net.connect(port, '127.0.0.1')
        let got = ''
        sock.on('data', d => { got += String(d) })
        sock.on('close', () => resolve(got))
        sock.on('error', () => resolve(''))
        sock.setTimeout(2000, () => sock.destroy())
      })
      if (served === '') await sleep(200)
    }
    assert.is(served, 'served-by-web\n')
    const ps = await compose(dir, wrapper, project, 'ps')
    assert.match(ps.stdout, new RegExp(`Up .*${project}_db_1`))
    assert.match(ps.stdout, new RegExp(`Up .*${project}_web_1`))
    // exec -T (no tty: podman-compose passes --interactive --env … and the service's environment).
    const ex = await compose(dir, wrapper, project, 'exec', '-T', 'web', 'sh', '-c', 'echo "exec sees $GREETING"; nslookup db >/dev/null && echo resolved')
    assert.is(ex.code, 0, ex.stdout + ex.stderr)
    assert.match(ex.stdout, /exec sees hello\nresolved\n/)
    const labels = JSON.parse((await cli('inspect', '--format', 'json', `${project}_db_1`)).stdout) as { Config: { Labels: Record<string, string> } }[]
    assert.is(labels[0]!.Config.Labels['tier'], 'backend')
    assert.is(labels[0]!.Config.Labels['io.podman.compose.project'], project)
    const data = path.join(h.config.root, 'volumes', `${project}_data`, '_data', 'first')
    const first = fs.readFileSync(data, 'utf8')

    assert.is((await compose(dir, wrapper, project, 'down')).code, 0)
    assert.is((await cli('ps', '-a', '-q')).stdout, '')
    assert.is((await compose(dir, wrapper, project, 'up', '-d')).code, 0)
    assert.equal((await cli('ps', '--format', '{{.Names}}')).stdout.split('\n').filter(Boolean).sort(), [`${project}_db_1`, `${project}_web_1`])
    assert.is(fs.readFileSync(data, 'utf8'), first, 'the named volume kept its data across down/up')

    const down = await compose(dir, wrapper, project, 'down', '-v')
    assert.is(down.code, 0, down.stdout + down.stderr)
    assert.equal(await cli('ps', '-a', '-q'), { code: 0, stdout: '', stderr: '' })
    assert.equal(await cli('volume', 'ls', '-q'), { code: 0, stdout: '', stderr: '' })
    // podman-compose 1.0.3 leaves the project's network (as with Podman); removing it
    // takes its bridge and DNS server.
    const bridge = (JSON.parse((await cli('network', 'inspect', network)).stdout) as { network_interface: string }[])[0]!.network_interface
    assert.equal(await cli('network', 'rm', network), { code: 0, stdout: `${network}\n`, stderr: '' })
    assert.not.ok(fs.existsSync(`/sys/class/net/${bridge}`))
    assert.not.ok(fs.existsSync(path.join(DNSNAME_DIR, network)))
    assert.equal(fs.readdirSync(path.join(h.config.runroot, 'netns')).filter(f => !f.startsWith('.')), [])
    assert.equal(fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(l => l.includes(h.dir)), [])
  } finally {
    await compose(dir, wrapper, project, 'down', '-v')
    await cli('network', 'rm', '-f', network)
  }
}))

test.run()
