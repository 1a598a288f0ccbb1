import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { paths } from '../../src/storage/paths.js'
import { runPodctl } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import type { TestHost } from '../helpers/host.js'
import { hostArgs } from '../helpers/host.js'
import { OciImageBuilder, pushIndex, withRegistry } from '../helpers/registry.js'

// A multi-platform image (an OCI image index of a linux/amd64 and a linux/arm64/v8 image,
// built with umoci, the index written by hand, pushed with `skopeo copy --all`): the host's
// platform by default, --platform picks another, a platform the index lacks is an error.
const test = suite('images: manifest lists and --platform, --arch, --os, --variant (real registry)')

const cli = (h: TestHost, args: string[]): ReturnType<typeof runPodctl> => runPodctl([...hostArgs(h), ...args])
const ok = async (h: TestHost, args: string[]): Promise<string> => {
  const r = await cli(h, args)
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}
interface Inspect { Id: string, Digest: string, RepoTags: string[], RepoDigests: string[], Architecture: string, Os: string }
const inspect = async (h: TestHost, ref: string): Promise<Inspect> => (JSON.parse(await ok(h, ['image', 'inspect', ref])) as Inspect[])[0]!

test('index of linux/amd64 and linux/arm64/v8: the host\'s by default, --platform picks the other, a missing platform is Podman\'s error', () => withRegistry(async reg => {
  const builders: OciImageBuilder[] = []
  try {
    const base = new OciImageBuilder().busybox()
    builders.push(base)
    const variant = (arch: string): OciImageBuilder => {
      const b = new OciImageBuilder(base).layer(r => { fs.writeFileSync(path.join(r, 'platform'), `${arch}\n`) })
        .config(['--architecture', arch, '--os', 'linux', '--config.cmd', 'cat', '--config.cmd', '/platform'])
      builders.push(b)
      return b
    }
    const { ref, index, manifests } = pushIndex(reg, 'multi:1', [
      { image: variant('amd64'), platform: { os: 'linux', architecture: 'amd64' } },
      { image: variant('arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ])
    const repo = `${reg.host}/multi`
    await withTestHost(async h => {
      const amd = (await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim()
      const a = await inspect(h, ref)
      assert.equal([a.Id, a.Architecture, a.Os, a.RepoTags], [amd, 'amd64', 'linux', [ref]])
      // Podman records the index's digest and the instance's; its Digest is the index's.
      assert.equal(a.RepoDigests, [`${repo}@${index}`, `${repo}@${manifests[0]!}`].sort())
      assert.is(a.Digest, index)
      assert.is(await ok(h, ['images', '--digests', '--format', '{{.Digest}} {{.ID}}']), `${index} ${amd.slice(0, 12)}\n`)
      assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref]), 'amd64\n')

      const arm = (await ok(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64', ref])).trim()
      assert.is.not(arm, amd)
      const b = await inspect(h, ref)
      assert.equal([b.Id, b.Architecture, b.RepoTags], [arm, 'arm64', [ref]])
      assert.equal(b.RepoDigests, [`${repo}@${index}`, `${repo}@${manifests[1]!}`].sort())
      assert.is(b.Digest, index)
      assert.is(await ok(h, ['run', '--rm', '--network', 'none', ref]), 'arm64\n')
      // The tag moved: the amd64 image is left without a name.
      assert.equal((await inspect(h, amd)).RepoTags, [])
      assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64/v8', ref])).trim(), arm)
      // Podman's --arch/--os/--variant say the same; --platform conflicts with --arch and --os.
      assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', '--arch', 'arm64', ref])).trim(), arm)
      assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', '--os', 'linux', '--arch', 'arm64', '--variant', 'v8', ref])).trim(), arm)
      const both = await cli(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64', '--arch', 'arm64', ref])
      assert.equal([both.code, both.stderr], [125, 'Error: --platform option can not be specified with --arch or --os\n'])

      // OS alone, as Podman reads it: the host's architecture.
      assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux', ref])).trim(), amd)
      assert.equal((await inspect(h, ref)).Id, amd)
      // A re-pull of the present instance writes no pull layout (the index is only re-read).
      const tmp = paths.imageTmp(h.config)
      const before = fs.statSync(tmp).mtimeMs
      assert.is((await ok(h, ['pull', '-q', '--tls-verify=false', ref])).trim(), amd)
      assert.is(fs.statSync(tmp).mtimeMs, before)

      const missing = await cli(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/s390x', ref])
      assert.equal([missing.code, missing.stderr], [125, `Error: choosing an image from manifest list docker://${ref}: no image found in image index for architecture s390x, variant "", OS linux\n`])
      const v7 = await cli(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64/v7', ref])
      assert.equal([v7.code, v7.stderr], [125, `Error: choosing an image from manifest list docker://${ref}: no image found in image index for architecture arm64, variant "v7", OS linux\n`])
      const syntax = await cli(h, ['pull', '-q', '--tls-verify=false', '--platform', 'linux/arm64/v8/x', ref])
      assert.equal([syntax.code, syntax.stderr], [125, 'Error: invalid platform syntax for --platform="linux/arm64/v8/x": use OS/ARCH[/VARIANT]\n'])
      assert.equal((await inspect(h, ref)).Id, amd, 'a failed pull leaves the name where it was')
    })
  } finally {
    for (const b of builders) b.remove()
  }
}))

test.run()
