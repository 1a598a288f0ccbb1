import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { paths } from '../../src/storage/paths.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import type { LocalRegistry } from '../helpers/registry.js'
import { freePort, tarOfDir, withImage, withRegistry } from '../helpers/registry.js'

// pull from a real local registry (docker-registry on 127.0.0.1), images built with umoci
// and pushed with skopeo; containers run on real runc and overlayfs.
const test = suite('images: pull and run (real registry, runc, overlay)')

const cli = (h: TestHost, args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args], { env })
const ok = async (h: TestHost, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
  const r = await cli(h, args, env)
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

interface Inspect { Id: string, Digest: string, RepoTags: string[], RepoDigests: string[], Config: Record<string, unknown>, RootFS: { Layers: string[] }, Size: number, Architecture: string, Os: string }
const inspect = async (h: TestHost, ref: string): Promise<Inspect> => (JSON.parse(await ok(h, ['image', 'inspect', ref])) as Inspect[])[0]!

function layerDirs (h: TestHost): string[] {
  try { return fs.readdirSync(paths.layers(h.config)).filter(n => n !== 'l').sort() } catch { return [] }
}

function registryManifest (reg: LocalRegistry, repo: string, tag: string): Promise<Response> {
  return fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })
}

test('pull of a two-layer image with an entrypoint; run uses Entrypoint+Cmd, arguments replace Cmd; a re-pull unpacks nothing', () => withRegistry(reg => withImage(async img => {
  img.busybox().layer(r => { fs.writeFileSync(path.join(r, 'hello'), 'from layer two\n') })
    .config(['--config.entrypoint', 'echo', '--config.cmd', 'default-cmd'])
  const ref = img.push(reg, 'multi:1.0')
  const digest = (await registryManifest(reg, 'multi', '1.0')).headers.get('docker-content-digest')
  await withTestHost(async h => {
    const pulled = await cli(h, ['pull', '--tls-verify=false', ref])
    assert.is(pulled.code, 0, pulled.stderr)
    assert.match(pulled.stderr, `Trying to pull ${ref}...`)
    const id = pulled.stdout.trim()
    assert.match(id, /^[0-9a-f]{64}$/)
    const info = await inspect(h, ref)
    assert.is(info.Id, id)
    assert.is(info.Digest, digest)
    assert.equal(info.RepoTags, [ref])
    assert.equal(info.RepoDigests, [`${reg.host}/multi@${digest!}`])
    assert.equal(info.Config['Entrypoint'], ['echo'])
    assert.equal(info.Config['Cmd'], ['default-cmd'])
    assert.is(info.RootFS.Layers.length, 2)
    assert.equal([info.Architecture, info.Os], ['amd64', 'linux'])
    assert.ok(info.Size > 1_000_000, String(info.Size))
    assert.equal(layerDirs(h), info.RootFS.Layers.map(l => l.slice('sha256:'.length)).sort())
    // The ID is the config's digest: the config blob in the shared store hashes to it.
    assert.ok(fs.existsSync(paths.blob(h.config, `sha256:${id}`)))

    assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref]), 'default-cmd\n')
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', 'multi:1.0', 'replaced', 'args']), 'replaced args\n')
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', 'multi:1.0', '$(cat /hello)']), '$(cat /hello)\n', 'no shell between')
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', 'multi:1.0', '/hello']), 'from layer two\n')
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', '--entrypoint', '', 'multi:1.0', 'echo', 'no-entrypoint']), 'no-entrypoint\n')
    const cid = (await ok(h, ['create', '--network', 'none', 'multi:1.0'])).trim()
    const c = (JSON.parse(await ok(h, ['inspect', cid])) as { Config: { Entrypoint: string, Cmd: string[] } }[])[0]!
    assert.equal([c.Config.Entrypoint, c.Config.Cmd], ['echo', ['default-cmd']])
    assert.is(await ok(h, ['rm', cid]), `${cid}\n`)

    const inodes = layerDirs(h).map(d => fs.statSync(paths.layerDiff(h.config, d)).ino)
    const blobs = fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')).sort()
    const again = await cli(h, ['pull', '-q', '--tls-verify=false', ref])
    assert.equal([again.code, again.stdout, again.stderr], [0, `${id}\n`, ''])
    assert.equal(layerDirs(h).map(d => fs.statSync(paths.layerDiff(h.config, d)).ino), inodes)
    assert.equal(fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')).sort(), blobs)
    assert.equal(fs.readdirSync(paths.imageTmp(h.config)), [])
    // By digest: the same image; a fresh root shows it under its repository, tag <none>.
    assert.is(await ok(h, ['pull', '-q', '--tls-verify=false', `${reg.host}/multi@${digest!}`]), `${id}\n`)
    await ok(h, ['rmi', '-a'])
    assert.is(await ok(h, ['pull', '-q', '--tls-verify=false', `${reg.host}/multi@${digest!}`]), `${id}\n`)
    assert.is(await ok(h, ['images', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}']), `${reg.host}/multi <none> ${digest!}\n`)
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', `${reg.host}/multi@${digest!}`]), 'default-cmd\n')
  })
})))

test('a file deleted in an upper layer stays deleted; an opaque dir hides the lower one', () => withRegistry(reg => withImage(async img => {
  img.busybox()
    .layer(r => {
      fs.mkdirSync(path.join(r, 'd'))
      for (const f of ['a', 'b']) fs.writeFileSync(path.join(r, 'd', f), f)
      fs.writeFileSync(path.join(r, 'etc', 'gone'), 'x')
    })
    .layer(r => { fs.rmSync(path.join(r, 'etc', 'gone')) })
  const stage = fs.mkdtempSync(path.join(img.dir, 'stage-'))
  fs.mkdirSync(path.join(stage, 'd'))
  fs.writeFileSync(path.join(stage, 'd', '.wh..wh..opq'), '')
  fs.writeFileSync(path.join(stage, 'd', 'c'), 'c')
  img.rawLayer(tarOfDir(stage, path.join(img.dir, 'opaque.tar')))
  const ref = img.push(reg, 'whiteout:latest')
  await withTestHost(async h => {
    await ok(h, ['pull', '-q', '--tls-verify=false', ref])
    const out = await ok(h, ['run', '--rm', '--network', 'none', ref, 'sh', '-c', 'ls /d; test -e /etc/gone && echo present || echo deleted'])
    assert.is(out, 'c\ndeleted\n')
  })
})))

test('a layer with an entry escaping it is refused: clear error, no layer, no temp dir, nothing outside written', () => withRegistry(reg => withImage(async img => {
  img.busybox()
  const stage = fs.mkdtempSync(path.join(img.dir, 'stage-'))
  fs.symlinkSync('/tmp', path.join(stage, 'evil'))
  fs.writeFileSync(path.join(stage, 'marker'), 'm')
  // A symlink to /tmp, then a file through it (tar's --transform makes the second name).
  const tarFile = path.join(img.dir, 'evil.tar')
  const { execFileSync } = await import('node:child_process')
  const marker = `podctl-escape-${process.pid}-${Date.now()}`
  execFileSync('tar', ['-cf', tarFile, '-C', stage, '--transform', `s,^marker$,evil/${marker},`, 'evil', 'marker'])
  img.rawLayer(tarFile)
  const ref = img.push(reg, 'evil:latest')
  await withTestHost(async h => {
    const before = layerDirs(h)
    const r = await cli(h, ['pull', '-q', '--tls-verify=false', ref])
    assert.is(r.code, 125)
    assert.match(r.stderr, /^Error: unpacking layer sha256:[0-9a-f]{64}: entry "evil\/podctl-escape-[^"]+" would be written through the symlink "evil"\n$/)
    assert.not.ok(fs.existsSync(path.join('/tmp', marker)))
    // The busybox layer is complete and kept (shared by a later pull); the hostile one is not.
    assert.is(layerDirs(h).filter(d => !before.includes(d)).filter(d => d.startsWith('.tmp-')).length, 0)
    assert.is(layerDirs(h).length, 1)
    assert.equal(fs.readdirSync(paths.imageTmp(h.config)), [])
    assert.is(await ok(h, ['images', '-q']), '')
  })
})))

test('errors: unknown image, bad reference, unreachable registry, short name without search registries (Podman wording, exit 125)', () => withRegistry(reg => withTestHost(async h => {
  const missing = await cli(h, ['pull', '--tls-verify=false', `${reg.host}/nope`])
  assert.equal([missing.code, missing.stderr.split('\n').at(-2)], [125, `Error: initializing source docker://${reg.host}/nope:latest: reading manifest latest in ${reg.host}/nope: manifest unknown: manifest unknown`])
  const upper = await cli(h, ['pull', 'BAD/Name'])
  assert.equal([upper.code, upper.stderr], [125, 'Error: repository name must be lowercase\n'])
  const bad = await cli(h, ['pull', 'a@sha256:12'])
  assert.equal([bad.code, bad.stderr], [125, 'Error: invalid reference format\n'])
  const port = await freePort()
  const down = await cli(h, ['pull', '-q', '--tls-verify=false', `127.0.0.1:${port}/x`])
  assert.equal([down.code, down.stderr], [125, `Error: initializing source docker://127.0.0.1:${port}/x:latest: pinging container registry 127.0.0.1:${port}: Get "http://127.0.0.1:${port}/v2/": dial tcp 127.0.0.1:${port}: connect: connection refused\n`])
  const conf = path.join(h.dir, 'registries.conf')
  fs.writeFileSync(conf, '# nothing\n')
  const short = await cli(h, ['pull', 'nonexist-short'], { CONTAINERS_REGISTRIES_CONF: conf })
  assert.equal([short.code, short.stderr], [125, `Error: short-name "nonexist-short" did not resolve to an alias and no unqualified-search registries are defined in "${conf}"\n`])
})))

test('short names: unqualified-search-registries in order, aliases first', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  img.push(reg, 'lib/short:latest')
  await withTestHost(async h => {
    const port = await freePort()
    const conf = path.join(h.dir, 'registries.conf')
    const env = { CONTAINERS_REGISTRIES_CONF: conf }
    fs.writeFileSync(conf, `unqualified-search-registries = ["127.0.0.1:${port}", "${reg.host}"]\n[[registry]]\nlocation = "127.0.0.1:${port}"\ninsecure = true\n[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n`)
    const r = await cli(h, ['pull', 'lib/short'], env)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, `Trying to pull 127.0.0.1:${port}/lib/short:latest...\nTrying to pull ${reg.host}/lib/short:latest...\n`)
    assert.equal((await inspect(h, 'lib/short')).RepoTags, [`${reg.host}/lib/short:latest`])
    fs.appendFileSync(conf, `[aliases]\n"myalias" = "${reg.host}/lib/short"\n`)
    const a = await cli(h, ['pull', 'myalias'], env)
    assert.is(a.code, 0, a.stderr)
    assert.match(a.stderr, /^Trying to pull 127\.0\.0\.1:\d+\/lib\/short:latest\.\.\.\n/)
    assert.not.match(a.stderr, `127.0.0.1:${port}`)
  })
})))

test('tag, untag, rmi: a name of an image with other names is untagged, the last name deletes; layers go with the last image using them', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const ref = img.push(reg, 'bb:latest')
  img.layer(r => { fs.writeFileSync(path.join(r, 'extra'), 'e') })
  const ref2 = img.push(reg, 'bb2:latest')
  await withTestHost(async h => {
    const id = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
    await ok(h, ['tag', ref, 'mine:1', 'mine:2'])
    assert.equal((await inspect(h, id)).RepoTags, [ref, 'localhost/mine:1', 'localhost/mine:2'])
    assert.is(await ok(h, ['rmi', 'mine:1']), 'Untagged: localhost/mine:1\n')
    const byId = await cli(h, ['rmi', id.slice(0, 12)])
    assert.equal([byId.code, byId.stderr], [125, `Error: unable to delete image "${id}" by ID with more than one tag ([${ref} localhost/mine:2]): please force removal\n`])
    await ok(h, ['untag', id, 'mine:2'])
    const nope = await cli(h, ['untag', id, 'nonex:1'])
    assert.equal([nope.code, nope.stderr], [125, 'Error: localhost/nonex:1: tag not known\n'])

    const id2 = (await ok(h, ['pull', '-q', '--tls-verify=false', ref2])).trim()
    assert.is(layerDirs(h).length, 2, 'bb2 shares the busybox layer')
    const cid = (await ok(h, ['create', '--network', 'none', ref2, 'true'])).trim()
    const inUse = await cli(h, ['rmi', ref2])
    assert.equal([inUse.code, inUse.stderr], [2, `Error: image used by ${cid}: image is in use by a container: consider listing external containers and force-removing image\n`])
    assert.is(await ok(h, ['rmi', ref]), `Untagged: ${ref}\nDeleted: ${id}\n`)
    assert.is(layerDirs(h).length, 2, 'the shared layer stays for bb2')
    assert.is(await ok(h, ['rmi', '-f', ref2]), `Untagged: ${ref2}\nDeleted: ${id2}\n`)
    assert.equal(await ok(h, ['ps', '-aq']), '')
    assert.equal(layerDirs(h), [])
    assert.equal(fs.readdirSync(paths.layerLinks(h.config)), [])
    assert.equal(fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')), [])
    const gone = await cli(h, ['rmi', ref])
    assert.equal([gone.code, gone.stderr], [1, `Error: ${ref}: image not known\n`])
  })
})))

test('image config: Env merged under -e, WorkingDir, User through the image\'s passwd and group, StopSignal, ExposedPorts in inspect', () => withRegistry(reg => withImage(async img => {
  img.busybox().layer(r => {
    fs.writeFileSync(path.join(r, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n')
    fs.writeFileSync(path.join(r, 'etc', 'group'), 'root:x:0:\napp:x:1001:\nextra:x:2000:app\n')
    fs.mkdirSync(path.join(r, 'work'))
  }).config(['--config.env', 'FOO=image', '--config.env', 'KEEP=yes', '--config.workingdir', '/work', '--config.user', 'app',
    '--config.stopsignal', 'SIGINT', '--config.exposedports', '8080/tcp', '--config.cmd', 'sh'])
  const ref = img.push(reg, 'cfg:latest')
  await withTestHost(async h => {
    await ok(h, ['pull', '-q', '--tls-verify=false', ref])
    const out = await ok(h, ['run', '--rm', '--network', 'none', '-e', 'FOO=cli', ref, 'sh', '-c', 'echo $FOO $KEEP; pwd; id'])
    // Supplementary groups: the /etc/group entries listing the user (static busybox prints no names).
    assert.is(out, 'cli yes\n/work\nuid=1000 gid=1001 groups=2000\n')
    const cid = (await ok(h, ['create', '--network', 'none', ref])).trim()
    const c = (JSON.parse(await ok(h, ['inspect', cid])) as { Config: { StopSignal: string, ExposedPorts: Record<string, unknown>, Cmd: string[], WorkingDir: string } }[])[0]!
    assert.equal([c.Config.StopSignal, c.Config.ExposedPorts, c.Config.Cmd, c.Config.WorkingDir], ['SIGINT', { '8080/tcp': {} }, ['sh'], '/work'])
    const noUser = await cli(h, ['create', '--network', 'none', ref, 'true'], {})
    assert.is(noUser.code, 0)
  })
})))

test.run()
