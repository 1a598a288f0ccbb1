import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { getContainer } from '../../src/state/container-rows.js'
import { withHarness } from '../removal/harness.js'

const test = suite('removal-two-processes')
const CHILD = path.join(import.meta.dirname, 'fixtures', 'claim-child.ts')

interface ChildResult { code: number | null, out: string, err: string }

function startChild (args: string[], onReady: () => void): { kill: () => void, done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''; let err = ''; let ready = false
  child.stdout.on('data', d => {
    out += d
    if (!ready && out.includes('ready\n')) { ready = true; onReady() }
  })
  child.stderr.on('data', d => { err += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const done = new Promise<ChildResult>(resolve => child.on('close', code => { clearTimeout(timer); resolve({ code, out, err }) }))
  return { kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }, done }
}

test('two processes remove the same container at once: both succeed, exactly one does the steps and reports it removed', () => withHarness(async h => {
  const c = h.container('shared', { state: 'running' })
  const barrier = path.join(h.dir, 'go')
  let readyCount = 0
  const onReady = (): void => { if (++readyCount === 2) fs.writeFileSync(barrier, '') }
  const kids = [startChild([h.dir, 'shared', '150', barrier], onReady), startChild([h.dir, 'shared', '150', barrier], onReady)]
  try {
    const results = await Promise.all(kids.map(k => k.done))
    for (const r of results) assert.is(r.code, 0, r.err)
    const summaries = results.map(r => JSON.parse(r.out.split('\n')[1]!) as { pid: number, outcomes: { status: string, removedBy?: number }[], calls: number })
    assert.equal(summaries.map(s => s.calls).sort(), [0, 4])
    const worker = summaries.find(s => s.calls === 4)!
    const waiter = summaries.find(s => s.calls === 0)!
    assert.equal(worker.outcomes, [{ status: 'removed' }])
    // The waiter saw the worker's claim, then the row gone: already removed, by the worker.
    assert.equal(waiter.outcomes.map(o => [o.status, o.removedBy]), [['skipped', worker.pid]])
    assert.is(getContainer(h.store, c.id), undefined)
  } finally {
    for (const k of kids) k.kill()
  }
}))

test.run()
