import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { VERSION } from '../../../src/version.js'
import { runInProcess } from '../../helpers/cli.js'
import { withHarness } from '../../removal/harness.js'

const test = suite('version and info')

test('version: Podman\'s layout, --format json and a template', () => withHarness(async h => {
  const text = await runInProcess(['--root', h.dir, 'version'])
  assert.is(text.code, 0)
  assert.match(text.stdout, new RegExp(`^Client:       podctl\\nVersion:      ${VERSION.replaceAll('.', '\\.')}\\nAPI Version:  ${VERSION.replaceAll('.', '\\.')}\\nGo Version:   node\\d+\\.\\d+\\.\\d+\\nOS/Arch:      linux/[a-z0-9]+\\n$`))
  const json = JSON.parse((await runInProcess(['--root', h.dir, 'version', '--format', 'json'])).stdout) as { Client: Record<string, unknown> }
  assert.equal([json.Client['Version'], json.Client['APIVersion'], json.Client['Os']], [VERSION, VERSION, 'linux'])
  assert.equal(await runInProcess(['--root', h.dir, 'version', '--format', '{{.Client.Version}}']), { code: 0, stdout: `${VERSION}\n`, stderr: '' })
}))

test('info: store counts and paths as JSON keys and as Go fields in templates', () => withHarness(async h => {
  h.container('a', { state: 'running' }); h.container('b', { state: 'exited' }); h.pod('p', { infra: false }); h.volume('v', false, [])
  const info = JSON.parse((await runInProcess(['--root', h.dir, 'info', '--format', 'json'])).stdout) as { store: Record<string, Record<string, number> | string>, host: Record<string, unknown> }
  assert.equal([info.store['graphRoot'], info.store['containerStore'], info.store['podStore'], info.store['volumeStore']], [h.dir, { number: 2, running: 1, paused: 0, stopped: 1 }, { number: 1 }, { number: 1 }])
  assert.equal([info.host['os'], info.host['rootless']], ['linux', false])
  assert.equal(await runInProcess(['--root', h.dir, 'info', '--format', '{{.Store.GraphRoot}} {{.Store.ContainerStore.Number}}']), { code: 0, stdout: `${h.dir} 2\n`, stderr: '' })
}))

test.run()
