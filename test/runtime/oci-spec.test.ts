import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { generateSpec } from '../../src/runtime/oci-spec.js'
import type { SpecInput } from '../../src/runtime/oci-spec.js'

const test = suite('oci-spec')

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  id: 'a'.repeat(64), hostname: 'aaaaaaaaaaaa', args: ['sleep', '10'], env: ['PATH=/bin'], cwd: '/', rootfs: '/r/merged',
  namespaces: { network: { mode: 'private' }, ipc: { mode: 'private' }, pid: { mode: 'private' }, uts: { mode: 'private' } },
  binds: [], cgroupsPath: 'podctl-x', ...over,
})
type Spec = { process: Record<string, unknown>, linux: Record<string, unknown>, mounts: { destination: string, type: string, source: string, options: string[] }[], hostname?: string, root: unknown }

test('private namespaces: one entry each, plus mount; hostname set; sysfs mounted fresh', () => {
  const s = generateSpec(input()) as unknown as Spec
  assert.equal(s.linux['namespaces'], [{ type: 'mount' }, { type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }])
  assert.is(s.hostname, 'aaaaaaaaaaaa')
  assert.equal(s.mounts.find(m => m.destination === '/sys')?.type, 'sysfs')
  assert.equal(s.root, { path: '/r/merged', readonly: false })
  assert.equal(s.process['args'], ['sleep', '10'])
  assert.is(s.linux['cgroupsPath'], 'podctl-x')
})

test('host network: no network entry and /sys is a read-only bind of the host one', () => {
  const s = generateSpec(input({ namespaces: { network: { mode: 'host' }, ipc: { mode: 'private' }, pid: { mode: 'private' }, uts: { mode: 'private' } } })) as unknown as Spec
  assert.not.ok((s.linux['namespaces'] as { type: string }[]).some(n => n.type === 'network'))
  const sys = s.mounts.find(m => m.destination === '/sys')!
  assert.equal([sys.type, sys.source, sys.options.includes('ro')], ['bind', '/sys', true])
})

test('joined namespaces carry their path; a joined uts namespace gets no hostname', () => {
  const s = generateSpec(input({ namespaces: { network: { mode: 'join', path: '/proc/7/ns/net' }, ipc: { mode: 'join', path: '/proc/7/ns/ipc' }, pid: { mode: 'private' }, uts: { mode: 'join', path: '/proc/7/ns/uts' } } })) as unknown as Spec
  assert.equal(s.linux['namespaces'], [{ type: 'mount' }, { type: 'pid' }, { type: 'network', path: '/proc/7/ns/net' }, { type: 'ipc', path: '/proc/7/ns/ipc' }, { type: 'uts', path: '/proc/7/ns/uts' }])
  assert.is(s.hostname, undefined)
})

test('binds become rbind mounts with ro/rw', () => {
  const s = generateSpec(input({ binds: [{ source: '/v/_data', destination: '/data' }, { source: '/etc', destination: '/h', readOnly: true }] })) as unknown as Spec
  assert.equal(s.mounts.slice(-2), [
    { destination: '/data', type: 'bind', source: '/v/_data', options: ['rbind', 'rw'] },
    { destination: '/h', type: 'bind', source: '/etc', options: ['rbind', 'ro'] },
  ])
})

test('nothing a cgroup v1 host rejects: no rlimits, no resource limits but the device list', () => {
  const s = generateSpec(input()) as unknown as Spec
  assert.is(s.process['rlimits'], undefined)
  assert.equal(s.linux['resources'], { devices: [{ allow: false, access: 'rwm' }] })
  assert.is(s.process['terminal'], false)
})

test.run()
