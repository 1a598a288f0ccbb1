import { spawn } from 'node:child_process'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { endMonitor } from '../../src/runtime/monitor.js'
import { isProcessAlive, readStartTime } from '../../src/runtime/proc-status.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('endMonitor')

test('endMonitor: waits for a monitor that exits by itself, kills one that does not, leaves a recycled PID alone; a gone one is success', async () => {
  const quick = spawn('sleep', ['0.2'], { stdio: 'ignore' })
  const quickExit = new Promise<[number | null, string | null]>(resolve => quick.on('exit', (code, sig) => { resolve([code, sig]) }))
  const stuck = spawn('sleep', ['1000'], { stdio: 'ignore' })
  const stuckExit = new Promise<[number | null, string | null]>(resolve => stuck.on('exit', (code, sig) => { resolve([code, sig]) }))
  try {
    const q = { pid: quick.pid!, start: await waitFor(() => readStartTime(quick.pid!), 'the start time') }
    const s = { pid: stuck.pid!, start: await waitFor(() => readStartTime(stuck.pid!), 'the start time') }
    await endMonitor(q, 10_000)
    assert.equal(await quickExit, [0, null], 'it exited by itself, not by a signal')
    await endMonitor({ pid: s.pid, start: `${s.start}9` }, 0)
    assert.ok(isProcessAlive(s.pid), 'a different start time: not our monitor')
    await endMonitor(s, 50)
    assert.equal(await stuckExit, [null, 'SIGKILL'])
    await endMonitor(s, 0)
    await endMonitor(undefined)
  } finally {
    quick.kill('SIGKILL')
    stuck.kill('SIGKILL')
  }
})

test.run()
