import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { listEntries, unambiguousInstance } from '../../src/images/manifest-list.js'
import { composePlatform, parsePlatform, platformArgs } from '../../src/images/skopeo.js'

const test = suite('images: --platform/--os/--arch/--variant and the manifest-list pick')

test('parsePlatform and platformArgs: Podman\'s reading (empty parts are the host\'s), more than three parts refused', () => {
  assert.equal(parsePlatform(undefined), {})
  assert.equal(parsePlatform(''), {})
  assert.equal(parsePlatform('linux'), { os: 'linux' })
  assert.equal(parsePlatform('linux/arm64'), { os: 'linux', arch: 'arm64' })
  assert.equal(parsePlatform('/arm64/v8'), { arch: 'arm64', variant: 'v8' })
  assert.equal(platformArgs('linux/arm/v7'), ['--override-os', 'linux', '--override-arch', 'arm', '--override-variant', 'v7'])
  assert.equal(platformArgs('linux'), ['--override-os', 'linux'])
  assert.throws(() => parsePlatform('a/b/c/d'), /^invalid platform syntax for --platform="a\/b\/c\/d": use OS\/ARCH\[\/VARIANT\]$/)
})

test('composePlatform: --platform conflicts with --os and --arch; --variant fills a missing variant', () => {
  assert.is(composePlatform({}), undefined)
  assert.is(composePlatform({ platform: 'linux/arm64' }), 'linux/arm64')
  assert.is(composePlatform({ arch: 'arm64' }), '/arm64/')
  assert.is(composePlatform({ os: 'linux', arch: 'arm', variant: 'v7' }), 'linux/arm/v7')
  assert.is(composePlatform({ platform: 'linux/arm64', variant: 'v8' }), 'linux/arm64/v8')
  assert.is(composePlatform({ platform: 'linux/arm64/v8', variant: 'v9' }), 'linux/arm64/v8')
  assert.throws(() => composePlatform({ platform: 'linux/arm64', arch: 'arm64' }), /^--platform option can not be specified with --arch or --os$/)
  assert.throws(() => composePlatform({ platform: 'linux/arm64', os: 'linux' }), /^--platform option can not be specified with --arch or --os$/)
  assert.equal(parsePlatform(composePlatform({ arch: 'arm64' })), { arch: 'arm64' })
})

const index = (manifests: unknown[]): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }))
const d = (c: string): string => `sha256:${c.repeat(64)}`

test('unambiguousInstance: one entry for the OS and architecture with an acceptable variant, else undefined (skopeo picks)', () => {
  const entries = listEntries(index([
    { digest: d('a'), platform: { os: 'linux', architecture: 'amd64' } },
    { digest: d('b'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: d('c'), platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { digest: d('e'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
  ]))!
  assert.is(unambiguousInstance(entries, { os: 'linux', arch: 'amd64' }), d('a'))
  assert.is(unambiguousInstance(entries, { arch: 'arm64' }), d('b'))
  assert.is(unambiguousInstance(entries, { arch: 'arm64', variant: 'v8' }), d('b'))
  assert.is(unambiguousInstance(entries, { arch: 'arm64', variant: 'v7' }), undefined)
  assert.is(unambiguousInstance(entries, { arch: 'arm', variant: 'v7' }), undefined, 'two arm entries')
  assert.is(unambiguousInstance(entries, { arch: 's390x' }), undefined)
  assert.is(unambiguousInstance(entries, { os: 'windows', arch: 'amd64' }), undefined)
  const variantOnly = listEntries(index([{ digest: d('f'), platform: { os: 'linux', architecture: 'amd64', variant: 'v3' } }]))!
  assert.is(unambiguousInstance(variantOnly, { os: 'linux', arch: 'amd64' }), undefined)
  assert.is(listEntries(Buffer.from('{"schemaVersion":2,"config":{},"layers":[]}')), undefined)
  assert.is(listEntries(Buffer.from('not json')), undefined)
})

test.run()
