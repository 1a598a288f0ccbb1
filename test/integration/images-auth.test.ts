import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import type { LocalRegistry, OciImageBuilder } from '../helpers/registry.js'
import { withImage, withRegistry } from '../helpers/registry.js'
import type { Credentials, TokenServer } from '../helpers/registry-auth.js'
import { startTokenServer, writeAuthFile } from '../helpers/registry-auth.js'

// pull from a local docker-registry that requires credentials: htpasswd (Basic) and bearer
// tokens from a token server in the test. Credentials come from an auth.json given with
// --authfile, REGISTRY_AUTH_FILE or DOCKER_CONFIG, as for Podman; the errors are Podman's.
const test = suite('images: registry authentication (htpasswd, bearer token, auth.json)')

// No credentials from the environment of whoever runs the tests.
const NO_AUTH_ENV = { REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '' }
const cli = (h: TestHost, args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runPodctl> =>
  runPodctl([...hostArgs(h), ...args], { env: { ...NO_AUTH_ENV, ...env } })

const alice: Credentials = { user: 'alice', password: `s3cret-${process.pid}` }

function pushBusybox (img: OciImageBuilder, reg: LocalRegistry, authfile: string): string {
  img.busybox().layer(r => { fs.writeFileSync(path.join(r, 'private'), 'only with credentials\n') }).config(['--config.cmd', 'cat', '--config.cmd', '/private'])
  return img.push(reg, 'private/bb:1', { authfile })
}

test('htpasswd: a pull without credentials fails with Podman\'s message; --authfile, REGISTRY_AUTH_FILE and DOCKER_CONFIG pull; wrong or missing files fail', () => withRegistry(reg => withImage(async img => withTestHost(async h => {
  const authfile = writeAuthFile(path.join(h.dir, 'auth.json'), reg.host, alice)
  const ref = pushBusybox(img, reg, authfile)
  const denied = `Error: initializing source docker://${ref}: reading manifest 1 in ${reg.host}/private/bb: unauthorized: authentication required\n`

  const anonymous = await cli(h, ['pull', '-q', '--tls-verify=false', ref])
  assert.equal([anonymous.code, anonymous.stderr, anonymous.stdout], [125, denied, ''])
  const wrong = writeAuthFile(path.join(h.dir, 'wrong.json'), reg.host, { user: alice.user, password: 'not-it' })
  const bad = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', wrong, ref])
  assert.equal([bad.code, bad.stderr], [125, denied])

  const pulled = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', authfile, ref])
  assert.is(pulled.code, 0, pulled.stderr)
  const id = pulled.stdout.trim()
  assert.match(id, /^[0-9a-f]{64}$/)
  const run = await cli(h, ['run', '--rm', '--network', 'none', ref])
  assert.equal([run.code, run.stdout], [0, 'only with credentials\n'], run.stderr)

  // The environment forms, each on a root without the image.
  await cli(h, ['rmi', '-a'])
  const env = await cli(h, ['pull', '-q', '--tls-verify=false', ref], { REGISTRY_AUTH_FILE: authfile })
  assert.equal([env.code, env.stdout], [0, `${id}\n`], env.stderr)
  await cli(h, ['rmi', '-a'])
  const dockerConfig = path.join(h.dir, 'docker')
  fs.mkdirSync(dockerConfig)
  fs.copyFileSync(authfile, path.join(dockerConfig, 'config.json'))
  const docker = await cli(h, ['pull', '-q', '--tls-verify=false', ref], { DOCKER_CONFIG: dockerConfig })
  assert.equal([docker.code, docker.stdout], [0, `${id}\n`], docker.stderr)
  // --authfile wins over REGISTRY_AUTH_FILE.
  const flagWins = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', wrong, ref], { REGISTRY_AUTH_FILE: authfile })
  assert.equal([flagWins.code, flagWins.stderr], [125, denied])

  // A file that is not there is refused before the registry is asked, as Podman does.
  const missing = path.join(h.dir, 'nope.json')
  const noFile = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', missing, ref])
  assert.equal([noFile.code, noFile.stderr], [125, `Error: stat ${missing}: no such file or directory\n`])
  const noEnvFile = await cli(h, ['pull', '-q', '--tls-verify=false', ref], { REGISTRY_AUTH_FILE: missing })
  assert.equal([noEnvFile.code, noEnvFile.stderr], [125, `Error: stat ${missing}: no such file or directory\n`])
  const noDockerFile = await cli(h, ['pull', '-q', '--tls-verify=false', ref], { DOCKER_CONFIG: path.join(h.dir, 'nodocker') })
  assert.equal([noDockerFile.code, noDockerFile.stderr], [125, `Error: stat ${path.join(h.dir, 'nodocker', 'config.json')}: no such file or directory\n`])
  const garbage = path.join(h.dir, 'garbage.json')
  fs.writeFileSync(garbage, 'garbage')
  const unreadable = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', garbage, ref])
  assert.is(unreadable.code, 125)
  assert.match(unreadable.stderr, `Error: initializing source docker://${ref}: getting username and password: 1 error occurred:\n\t* reading JSON file "${garbage}": unmarshaling JSON at "${garbage}": invalid character 'g' looking for beginning of value`)
})), { auth: { htpasswd: [alice] } }))

async function withTokenRegistry (fn: (reg: LocalRegistry, tokens: TokenServer, dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env['TMPDIR'] ?? '/tmp', 'podctl-token-'))
  try {
    const tokens = await startTokenServer(dir, [alice])
    try {
      await withRegistry(reg => fn(reg, tokens, dir), { auth: { token: tokens } })
    } finally {
      await tokens.stop()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('bearer token: the registry sends skopeo to the token server; with auth.json the token grants the pull, without it the token grants nothing, wrong credentials get no token', () => withTokenRegistry((reg, tokens, dir) => withImage(async img => withTestHost(async h => {
  const authfile = writeAuthFile(path.join(dir, 'auth.json'), reg.host, alice)
  const ref = pushBusybox(img, reg, authfile)
  const before = (await tokens.requests()).length

  const anonymous = await cli(h, ['pull', '-q', '--tls-verify=false', ref])
  assert.equal([anonymous.code, anonymous.stderr], [125,
    `Error: initializing source docker://${ref}: reading manifest 1 in ${reg.host}/private/bb: errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n\n`])
  const wrong = writeAuthFile(path.join(dir, 'wrong.json'), reg.host, { user: alice.user, password: 'not-it' })
  const bad = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', wrong, ref])
  assert.equal([bad.code, bad.stderr], [125, `Error: initializing source docker://${ref}: unable to retrieve auth token: invalid username/password: unauthorized: invalid username or password\n`])

  const pulled = await cli(h, ['pull', '-q', '--tls-verify=false', '--authfile', authfile, ref])
  assert.is(pulled.code, 0, pulled.stderr)
  const run = await cli(h, ['run', '--rm', '--network', 'none', ref])
  assert.equal([run.code, run.stdout], [0, 'only with credentials\n'], run.stderr)
  // A re-pull asks the registry again (a new token for the manifest request).
  const again = await cli(h, ['pull', '-q', '--tls-verify=false', ref], { REGISTRY_AUTH_FILE: authfile })
  assert.equal([again.code, again.stdout], [0, pulled.stdout], again.stderr)

  const asked = (await tokens.requests()).slice(before)
  const pull = { scope: 'repository:private/bb:pull', service: tokens.service }
  assert.ok(asked.some(r => !r.authorized && r.account === '' && r.scope === pull.scope && r.service === pull.service), JSON.stringify(asked))
  assert.ok(asked.some(r => !r.authorized && r.account === alice.user), 'the wrong password was offered')
  assert.ok(asked.filter(r => r.authorized && r.account === alice.user && r.scope === pull.scope && r.service === pull.service).length >= 2, JSON.stringify(asked))
}))))

test.run()
