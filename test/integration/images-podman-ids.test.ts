import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import type { LocalRegistry } from '../helpers/registry.js'
import { OciImageBuilder, withImage, withRegistry } from '../helpers/registry.js'

// Image IDs and dangling images as Podman 4.3 shows them: a Docker schema 2 image (pulled, or
// loaded from a docker-archive) keeps its own config, whose digest is the ID; an image whose
// tag moved is <none> <none> without RepoDigests, or hidden without -a when the image the
// tag went to is its child. Each case is compared with real Podman under a temp --root
// when it is installed; without it the podctl side still runs against digests computed here.
const test = suite('images: IDs and dangling images as in Podman')

const cli = (h: TestHost, args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])
const ok = async (h: TestHost, args: string[]): Promise<string> => {
  const r = await cli(h, args)
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const hasPodman = ((): boolean => { try { execFileSync('podman', ['--version'], { stdio: 'ignore' }); return true } catch { return false } })()

type Podman = (...args: string[]) => string

// Runs fn with Podman on a temp root (undefined when podman is not installed: the caller says so).
async function withPodman (dir: string, fn: (podman: Podman | undefined) => Promise<void>): Promise<void> {
  if (!hasPodman) { await fn(undefined); return }
  const proot = fs.mkdtempSync(path.join(dir, 'podman-'))
  const podman: Podman = (...args) => execFileSync('podman', ['--root', `${proot}/root`, '--runroot', `${proot}/run`, '--storage-driver', 'overlay', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    await fn(podman)
  } finally {
    try { podman('system', 'reset', '-f') } catch { /* best effort */ }
    fs.rmSync(proot, { recursive: true, force: true })
  }
}

const skipped = (what: string): void => { console.log(`  skipped: ${what} against Podman (podman is not installed)`) }

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`
const skopeoRaw = (args: string[]): Buffer => execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...args])

// The registry's config digest for ref (what Podman's ID is), read with skopeo here.
function registryConfig (ref: string): string {
  const m = JSON.parse(skopeoRaw([`docker://${ref}`]).toString('utf8')) as { config: { digest: string } }
  const config = skopeoRaw(['--config', `docker://${ref}`])
  assert.is(sha256(config), m.config.digest)
  return m.config.digest
}

// REPOSITORY TAG IMAGE ID of each `images` row, header first, rows sorted (CREATED and
// SIZE differ in wording and accounting; Podman lists the newest first).
const table = (out: string): string[] => {
  const [head = '', ...rows] = out.trim().split('\n').map(l => l.split(/\s{2,}/).slice(0, 3).join(' '))
  return [head, ...rows.sort()]
}

interface ListEntry { Id: string, RepoDigests: string[], Dangling?: boolean, Names?: string[], History?: string[], Digest: string }
const listJson = (out: string): Omit<ListEntry, never>[] => (JSON.parse(out) as ListEntry[]).map(e => ({
  Id: e.Id, RepoDigests: e.RepoDigests, Digest: e.Digest, ...(e.Dangling === undefined ? {} : { Dangling: e.Dangling }), ...(e.Names === undefined ? {} : { Names: e.Names }), ...(e.History === undefined ? {} : { History: e.History }),
})).sort((a, b) => a.Id.localeCompare(b.Id))

test('a Docker schema 2 pull has the ID of its registry config, as in Podman; an OCI pull too; system check finds no stray blob', () => withRegistry(reg => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const docker = img.push(reg, 'bb:v2s2', { format: 'v2s2' })
  const oci = img.push(reg, 'bb:oci')
  // skopeo keeps the config bytes from OCI to Docker schema 2, so both name one config; the
  // way back (into an oci: layout) re-encodes it: podctl showed another ID for the v2s2 pull.
  const dockerConfig = registryConfig(docker)
  const ociConfig = registryConfig(oci)
  await withTestHost(async h => {
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', docker])).trim(), dockerConfig.slice('sha256:'.length))
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', oci])).trim(), ociConfig.slice('sha256:'.length))
    const inspect = JSON.parse(await ok(h, ['image', 'inspect', docker])) as { Id: string, Digest: string, RepoDigests: string[], ManifestType: string }[]
    const dockerDigest = sha256(skopeoRaw([`docker://${docker}`]))
    const ociDigest = sha256(skopeoRaw([`docker://${oci}`]))
    // One config, so one image known by both manifests (Podman's Digests).
    assert.equal([inspect[0]!.Id, inspect[0]!.Digest, inspect[0]!.RepoDigests, inspect[0]!.ManifestType],
      [dockerConfig.slice(7), dockerDigest, [`${reg.host}/bb@${dockerDigest}`, `${reg.host}/bb@${ociDigest}`].sort(), 'application/vnd.docker.distribution.manifest.v2+json'])
    const check = await cli(h, ['system', 'check'])
    assert.is(check.code, 0, `system check: ${check.stdout}${check.stderr}`)
    assert.not.match(check.stdout, /blob/)
    // A re-pull finds the stored image (no second image), and it runs.
    assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', docker])).trim(), dockerConfig.slice(7))
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', docker, 'echo', 'ran']), 'ran\n')
    await withPodman(h.dir, async podman => {
      if (podman === undefined) { skipped('pull IDs'); return }
      podman('pull', '-q', '--tls-verify=false', docker)
      podman('pull', '-q', '--tls-verify=false', oci)
      const view = (out: string): unknown => (JSON.parse(out) as { Id: string, Digest: string, RepoTags: string[], RepoDigests: string[] }[]).map(v => [v.Id, v.Digest, [...v.RepoTags].sort(), v.RepoDigests])
      for (const ref of [docker, oci]) assert.equal(view(podman('image', 'inspect', ref)), view(await ok(h, ['image', 'inspect', ref])), ref)
    })
  })
})))

test('a docker-archive load keeps the archive\'s config: Podman\'s ID; a save of it loads into Podman under that ID; an oci-archive too', () => withImage(async img => {
  img.busybox().config(['--config.cmd', 'true'])
  const archive = img.archive(path.join(img.dir, 'd.tar'), 'docker-archive', 'example.com/demo:1')
  const ociArchive = img.archive(path.join(img.dir, 'o.tar'), 'oci-archive', 'example.com/ocidemo:1')
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' })) as { Config: string }[]
  const configHex = sha256(execFileSync('tar', ['-xOf', archive, manifest[0]!.Config])).slice(7)
  await withTestHost(async h => {
    await ok(h, ['load', '-i', archive])
    await ok(h, ['load', '-i', ociArchive])
    assert.is((await ok(h, ['image', 'inspect', '--format', '{{.Id}}', 'example.com/demo:1'])).trim(), configHex)
    const saved = path.join(h.dir, 'saved.tar')
    await ok(h, ['save', '-o', saved, 'example.com/demo:1'])
    const savedManifest = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json'], { encoding: 'utf8' })) as { Config: string }[]
    assert.is(sha256(execFileSync('tar', ['-xOf', saved, savedManifest[0]!.Config])).slice(7), configHex)
    const check = await cli(h, ['system', 'check'])
    assert.is(check.code, 0, `system check: ${check.stdout}${check.stderr}`)
    await withPodman(h.dir, async podman => {
      if (podman === undefined) { skipped('load IDs'); return }
      podman('load', '-i', archive)
      podman('load', '-i', ociArchive)
      // Podman lists names newest first, podctl in the order they were added: compared sorted.
      const view = (out: string): unknown => (JSON.parse(out) as { Id: string, Digest: string, RepoTags: string[], RepoDigests: string[] }[]).map(v => [v.Id, v.Digest, [...v.RepoTags].sort(), [...v.RepoDigests].sort()])
      for (const ref of ['example.com/demo:1', 'example.com/ocidemo:1']) assert.equal(view(podman('image', 'inspect', ref)), view(await ok(h, ['image', 'inspect', ref])), ref)
      podman('rmi', '-a', '-f')
      podman('load', '-i', saved)
      assert.is(podman('images', '-q', '--no-trunc').trim(), `sha256:${configHex}`)
    })
  })
}))

// Pushes the builder's image as app:1 and pulls it into podctl and (when there) Podman.
async function pushAndPull (h: TestHost, reg: LocalRegistry, b: OciImageBuilder, podman: Podman | undefined): Promise<void> {
  const ref = b.push(reg, 'app:1')
  await ok(h, ['pull', '-q', '--tls-verify=false', ref])
  podman?.('pull', '-q', '--tls-verify=false', ref)
}

test('a moved tag: the old image is <none> <none> without RepoDigests (images, --format json, -a, dangling=true), or hidden without -a when the new image is its child; a pull by digest is repo <none>', () => withRegistry(reg => withImage(async first => {
  first.busybox().config(['--config.cmd', 'first'])
  const second = new OciImageBuilder()
  try {
    second.busybox().config(['--config.cmd', 'second'])
    const third = new OciImageBuilder(second)
    try {
      // third: second's layers, and second's history plus the config entry: a child.
      third.config(['--config.cmd', 'third'])
      await withTestHost(async h => withPodman(h.dir, async podman => {
        const compare = async (args: string[], shape: (out: string) => unknown): Promise<unknown> => {
          const mine = shape(await ok(h, args))
          if (podman !== undefined) assert.equal(mine, shape(podman(...args)), args.join(' '))
          return mine
        }
        await pushAndPull(h, reg, first, podman)
        const firstDigest = sha256(skopeoRaw([`docker://${reg.host}/app:1`]))
        await pushAndPull(h, reg, second, podman)
        const rows = await compare(['images'], table) as string[]
        assert.is(rows.length, 3)
        assert.is(rows.filter(r => r.startsWith('<none> <none> ')).length, 1)
        assert.is(rows.filter(r => r.startsWith(`${reg.host}/app 1 `)).length, 1)
        assert.equal(await compare(['images', '-a'], table), rows)
        await compare(['images', '--format', 'json'], listJson)
        await compare(['images', '--filter', 'dangling=true', '-q'], s => s)
        await compare(['images', '-a', '--filter', 'dangling=true', '--format', 'json'], listJson)
        // The tag moves to second's child: second is intermediate, hidden without -a.
        await pushAndPull(h, reg, third, podman)
        const hidden = await compare(['images'], table) as string[]
        const all = await compare(['images', '-a'], table) as string[]
        assert.equal([hidden.length, all.length], [3, 4])
        await compare(['images', '-a', '--format', 'json'], listJson)
        await compare(['images', '-a', '--filter', 'dangling=true', '-q'], s => s)
        // By digest: first's manifest, a name of its own (repository, tag <none>).
        const byDigest = `${reg.host}/app@${firstDigest}`
        await ok(h, ['pull', '-q', '--tls-verify=false', byDigest])
        podman?.('pull', '-q', '--tls-verify=false', byDigest)
        const firstId = (await ok(h, ['image', 'inspect', '--format', '{{.Id}}', byDigest])).trim()
        assert.ok((await compare(['images', '-a'], table) as string[]).includes(`${reg.host}/app <none> ${firstId.slice(0, 12)}`))
        await compare(['images', '-a', '--format', 'json'], listJson)
        if (podman === undefined) skipped('images after a moved tag')
      }))
    } finally {
      third.remove()
    }
  } finally {
    second.remove()
  }
})))

test.run()
