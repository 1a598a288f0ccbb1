import { execFileSync, spawn } from 'node:child_process'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const test = suite('the README\'s demo (scripts/demo.sh, which quickstart.sh runs)')

const ROOT = path.resolve(import.meta.dirname, '../..')
const DEMO_TIMEOUT_MS = 240_000

// Runs the demo in its own process group; on timeout the whole group is killed (by its
// PID), so a hang fails the test instead of the run.
function runDemo (): Promise<{ code: number | null, out: string, timedOut: boolean }> {
  return new Promise(resolve => {
    const child = spawn('bash', ['scripts/demo.sh'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { out += d })
    let timedOut = false
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone */ } }, DEMO_TIMEOUT_MS)
    child.on('close', code => { clearTimeout(timer); resolve({ code, out, timedOut }) })
  })
}

const natJumpsNaming = (dirPrefix: string): string[] =>
  execFileSync('iptables', ['-t', 'nat', '-S', 'POSTROUTING'], { encoding: 'utf8', timeout: 30_000 }).split('\n').filter(l => l.includes(` file ${dirPrefix}`))

test('runs to the end, removes everything and leaves nothing: no mount, netns, IP, NAT chain', async () => {
  const before = natJumpsNaming('/tmp/podctl-demo.')
  const r = await runDemo()
  assert.is(r.timedOut, false, `the demo hung:\n${r.out.slice(-2000)}`)
  assert.is(r.code, 0, r.out.slice(-3000))
  assert.match(r.out, /removed 5 pods \(25 containers\) in [\d.]+ s/)
  assert.match(r.out, /No inconsistencies found/)
  assert.match(r.out, /leftovers: mounts=0 netns=0 ipam=0/)
  assert.equal(natJumpsNaming('/tmp/podctl-demo.'), before, 'the demo\'s default network NAT chain goes with its dirs')
})

test.run()
