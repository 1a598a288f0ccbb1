import { spawn } from 'node:child_process'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { endLogPump } from '../../src/containers/log-pump-process.js'
import { isProcessAlive, readStartTime } from '../../src/runtime/proc-status.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('endLogPump')

test('ends the process PID + start time name; leaves a recycled PID alone; a gone pump is success', async () => {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' })
  const exited = new Promise(resolve => child.on('exit', resolve))
  try {
    const pid = child.pid!
    const start = await waitFor(() => readStartTime(pid), 'the start time')
    endLogPump({ pid, start: `${start}9` })
    assert.ok(isProcessAlive(pid), 'a different start time: not our pump')
    endLogPump({ pid, start })
    await exited
    assert.not.ok(isProcessAlive(pid))
    endLogPump({ pid, start })
    endLogPump(undefined)
  } finally {
    child.kill('SIGKILL')
  }
})

test.run()
