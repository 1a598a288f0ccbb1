import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { PODCTL_BIN, runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import { withImage } from '../helpers/registry.js'

// load and save of docker-archive and oci-archive tarballs made by skopeo from umoci images;
// a save loads into Podman (when installed) under a temp --root.
const test = suite('images: load and save')

const cli = (h: TestHost, args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])
const ok = async (h: TestHost, args: string[]): Promise<string> => {
  const r = await cli(h, args)
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const hasPodman = ((): boolean => { try { execFileSync('podman', ['--version'], { stdio: 'ignore' }); return true } catch { return false } })()

test('docker-archive (plain and gzip) and oci-archive load with their tags; run works; save then load gives the same image', () => withImage(async img => {
  img.busybox().config(['--config.entrypoint', 'echo', '--config.cmd', 'loaded'])
  const docker = img.archive(path.join(img.dir, 'd.tar'), 'docker-archive', 'example.com/demo:1')
  const gz = path.join(img.dir, 'd.tar.gz')
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(docker)))
  const oci = img.archive(path.join(img.dir, 'o.tar'), 'oci-archive', 'example.com/ocidemo:2')
  await withTestHost(async h => {
    assert.is(await ok(h, ['load', '-i', docker]), 'Loaded image: example.com/demo:1\n')
    assert.is(await ok(h, ['image', 'load', '-i', gz]), 'Loaded image: example.com/demo:1\n')
    assert.is(await ok(h, ['load', '-i', oci]), 'Loaded image: example.com/ocidemo:2\n')
    // The plain and the gzip'ed docker-archive are one image; the oci-archive's is its own.
    const ids = (await ok(h, ['images', '-q', '--no-trunc', '--filter', 'reference=demo'])).trim().split('\n')
    assert.is(ids.length, 1)
    assert.match((await ok(h, ['images', '--format', '{{.Repository}}:{{.Tag}}'])), /^example\.com\/demo:1\nexample\.com\/ocidemo:2\n$|^example\.com\/ocidemo:2\nexample\.com\/demo:1\n$/)
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', 'ocidemo:2']), 'loaded\n')
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', 'demo:1']), 'loaded\n')

    const out = path.join(h.dir, 'saved.tar')
    await ok(h, ['tag', 'demo:1', 'other:3'])
    assert.is(await ok(h, ['save', '-o', out, 'demo:1', 'other:3']), '')
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', out, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[]
    assert.equal(manifest.map(m => m.RepoTags), [['example.com/demo:1', 'localhost/other:3']])
    const ociOut = path.join(h.dir, 'saved-oci.tar')
    await ok(h, ['save', '--format', 'oci-archive', '-o', ociOut, 'demo:1'])
    await ok(h, ['rmi', '-a'])
    assert.is(await ok(h, ['load', '-i', out]), 'Loaded image: example.com/demo:1\nLoaded image: localhost/other:3\n')
    assert.equal((await ok(h, ['images', '-q', '--no-trunc'])).trim(), ids[0])
    // stdin: the oci-archive save, as bytes.
    await ok(h, ['rmi', '-a'])
    const fromStdin = spawnSync(process.execPath, [PODCTL_BIN, ...hostArgs(h), 'load'], { input: fs.readFileSync(ociOut), encoding: 'utf8' })
    assert.equal([fromStdin.status, fromStdin.stdout, fromStdin.stderr], [0, 'Loaded image: example.com/demo:1\n', ''])
    assert.is(await ok(h, ['run', '--rm', '--network', 'none', 'demo:1']), 'loaded\n')
    await ok(h, ['rmi', '-a'])
    await ok(h, ['load', '-i', out])
    const bad = await cli(h, ['load', '-i', path.join(h.dir, 'nope.tar')])
    assert.equal([bad.code, bad.stderr], [125, `Error: open ${path.join(h.dir, 'nope.tar')}: no such file or directory\n`])
    fs.writeFileSync(path.join(h.dir, 'junk.tar'), 'not a tar at all'.repeat(64))
    const junk = await cli(h, ['load', '-i', path.join(h.dir, 'junk.tar')])
    assert.is(junk.code, 125)
    assert.match(junk.stderr, /^Error: payload does not match any of the supported image formats: /)

    if (!hasPodman) {
      console.log('  skipped: Podman round trip (podman is not installed)')
      return
    }
    const proot = path.join(h.dir, 'podman')
    const podman = (...args: string[]): string => execFileSync('podman', ['--root', `${proot}/root`, '--runroot', `${proot}/run`, '--storage-driver', 'overlay', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      podman('load', '-i', out)
      assert.equal(podman('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}').trim().split('\n').sort(), [`example.com/demo:1 ${ids[0]!.replace('sha256:', '').slice(0, 12)}`, `localhost/other:3 ${ids[0]!.replace('sha256:', '').slice(0, 12)}`])
    } finally {
      try { podman('system', 'reset', '-f') } catch { /* best effort */ }
      fs.rmSync(proot, { recursive: true, force: true })
    }
  })
}))

test.run()
