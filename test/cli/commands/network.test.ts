import fs from 'node:fs'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { runInProcess } from '../../helpers/cli.js'
import { withTempDir } from '../../helpers/temp.js'

const test = suite('network --format templates')

const args = (dir: string, ...rest: string[]): string[] => ['--root', `${dir}/root`, '--runroot', `${dir}/run`, '--cni-config-dir', `${dir}/cni`, '--cni-cache-dir', `${dir}/cache`, ...rest]

test('network ls and inspect take Go templates with Podman field names', () => withTempDir(async dir => {
  const ls = await runInProcess(args(dir, 'network', 'ls', '--format', '{{.Name}} {{.Driver}} {{len .ID}}'))
  assert.equal(ls, { code: 0, stdout: 'podctl bridge 12\n', stderr: '' })
  const table = await runInProcess(args(dir, 'network', 'ls', '--format', 'table {{.ID}}\t{{.Name}}'))
  assert.match(table.stdout, /^NETWORK ID {4}NAME\n[0-9a-f]{12} {2}podctl\n$/)
  const insp = await runInProcess(args(dir, 'network', 'inspect', 'podctl', '--format', '{{.Name}} {{range .Subnets}}{{.Subnet}} via {{.Gateway}}{{end}}'))
  // 10.88.0.0/16 unless the host holds it (then another free /16): the one written down.
  const conf = JSON.parse(fs.readFileSync(`${dir}/cni/podctl-podctl.conflist`, 'utf8')) as { plugins: { ipam: { ranges: { subnet: string, gateway: string }[][] } }[] }
  const range = conf.plugins[0]!.ipam.ranges[0]![0]!
  assert.match(range.subnet, /^10\.\d+\.0\.0\/16$/)
  assert.equal(insp, { code: 0, stdout: `podctl ${range.subnet} via ${range.gateway}\n`, stderr: '' })
}))

test('an unknown field is exit 125 with Go\'s wording', () => withTempDir(async dir => {
  const r = await runInProcess(args(dir, 'network', 'ls', '--format', '{{.Nope}}'))
  assert.is(r.code, 125)
  assert.is(r.stderr, 'Error: template: network ls:1:2: executing "network ls" at <.Nope>: can\'t evaluate field Nope in type network.ListPrintReports\n')
}))

test.run()
