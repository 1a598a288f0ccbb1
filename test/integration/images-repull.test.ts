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
import { withImage, withRegistry } from '../helpers/registry.js'

// A re-pull of a stored image asks the registry for the tag's current manifest (as Podman
// does) and copies nothing when it is the stored image; when the tag moved, the registry is
// down, or the stored image lost files, it behaves as a first pull would.
const test = suite('images: re-pull of a present image (real registry)')

const cli = (h: TestHost, args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])
const ok = async (h: TestHost, args: string[]): Promise<string> => {
  const r = await cli(h, args)
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}
interface Inspect { Id: string, Digest: string, RepoTags: string[], RepoDigests: string[], RootFS: { Layers: string[] } }
const inspect = async (h: TestHost, ref: string): Promise<Inspect> => (JSON.parse(await ok(h, ['image', 'inspect', ref])) as Inspect[])[0]!

async function registryDigest (reg: LocalRegistry, repo: string, tag: string, accept: string): Promise<string> {
  const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: accept } })
  return res.headers.get('docker-content-digest') ?? ''
}

// The pull scratch dir's mtime: a copy makes and removes a layout dir in it.
const scratchTime = (h: TestHost): number => fs.statSync(paths.imageTmp(h.config)).mtimeMs

test('a present tag: same ID, no copy, no blob or layer touched; a moved tag pulls the new image; a stopped registry fails as Podman does', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const ref = img.push(reg, 'bb:latest')
  await withTestHost(async h => {
    const id = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
    const blobs = fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')).sort()
    const before = scratchTime(h)
    const again = await cli(h, ['pull', '--tls-verify=false', ref])
    assert.equal([again.code, again.stdout, again.stderr], [0, `${id}\n`, `Trying to pull ${ref}...\n`])
    assert.is(scratchTime(h), before, 'no pull layout was written')
    assert.equal(fs.readdirSync(path.join(paths.blobs(h.config), 'sha256')).sort(), blobs)
    // Another name of the same repository and content: a second tag pushed to the registry.
    img.push(reg, 'bb:second')
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', `${reg.host}/bb:second`])).trim(), id)
    assert.equal((await inspect(h, id)).RepoTags, [ref, `${reg.host}/bb:second`])

    // The tag moves in the registry: the re-pull sees it and fetches the new image.
    img.layer(r => { fs.writeFileSync(path.join(r, 'new'), 'n') })
    img.push(reg, 'bb:latest')
    const moved = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
    assert.is.not(moved, id)
    assert.equal((await inspect(h, moved)).RepoTags, [ref])
    assert.equal((await inspect(h, id)).RepoTags, [`${reg.host}/bb:second`])
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref, 'cat', '/new']), 'n')

    await reg.stop()
    const down = await cli(h, ['pull', '-q', '--tls-verify=false', ref])
    assert.equal([down.code, down.stderr], [125, `Error: initializing source docker://${ref}: pinging container registry ${reg.host}: Get "http://${reg.host}/v2/": dial tcp ${reg.host}: connect: connection refused\n`])
    assert.equal((await inspect(h, moved)).RepoTags, [ref], 'the failed pull changed nothing')
  })
})))

test('a stored image that lost a layer is pulled again, not taken as present', () => withRegistry(reg => withImage(async img => {
  img.busybox().layer(r => { fs.writeFileSync(path.join(r, 'top'), 'top layer\n') }).config(['--config.cmd', 'cat', '--config.cmd', '/top'])
  const ref = img.push(reg, 'lost:1')
  await withTestHost(async h => {
    const id = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
    const top = (await inspect(h, id)).RootFS.Layers.at(-1)!.slice('sha256:'.length)
    fs.rmSync(paths.layer(h.config, top), { recursive: true })
    const before = scratchTime(h)
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim(), id)
    assert.is.not(scratchTime(h), before, 'a copy ran')
    assert.ok(fs.existsSync(path.join(paths.layer(h.config, top), 'link')))
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref]), 'top layer\n')
  })
})))

test('a Docker schema 2 manifest: RepoDigests and Digest name the registry\'s manifest, and the re-pull of it copies nothing', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const ref = img.push(reg, 'docker:v2s2', { format: 'v2s2' })
  const digest = await registryDigest(reg, 'docker', 'v2s2', 'application/vnd.docker.distribution.manifest.v2+json')
  assert.match(digest, /^sha256:[0-9a-f]{64}$/)
  await withTestHost(async h => {
    const id = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
    const info = await inspect(h, id)
    assert.equal([info.RepoDigests, info.Digest], [[`${reg.host}/docker@${digest}`], digest])
    const before = scratchTime(h)
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim(), id)
    assert.is(scratchTime(h), before, 'no pull layout was written')
    // By the registry's digest: the same image, no copy.
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', `${reg.host}/docker@${digest}`])).trim(), id)
    assert.is(scratchTime(h), before)
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref, 'echo', 'ran']), 'ran\n')
  })
})))

test.run()
