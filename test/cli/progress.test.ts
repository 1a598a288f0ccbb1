import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createProgress } from '../../src/cli/progress.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('progress')

function fakeStream (isTTY: boolean, columns: number | null = 100): { stream: NodeJS.WriteStream, text: () => string } {
  let out = ''
  const w = new Writable({ write (chunk: Buffer, _enc, cb) { out += chunk.toString(); cb() } }) as unknown as NodeJS.WriteStream
  Object.assign(w, { isTTY, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }, columns === null ? {} : { columns })
  return { stream: w, text: () => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') }
}

test('on a TTY, long work shows a counter on the stream and clears it when done', async () => {
  const { stream, text } = fakeStream(true)
  const p = createProgress('Removing containers', 3, { stream, showAfterMs: 0 })
  // ora loads on first use: slow on a loaded machine, so wait for it to draw, not a fixed time.
  await waitFor(() => text().includes('Removing containers 0/3'), 'the spinner to appear')
  p.tick()
  p.tick()
  await waitFor(() => text().includes('Removing containers 2/3'), 'the counter to reach 2/3')
  p.done()
  assert.match(text(), 'Removing containers 2/3')
})

test('not a TTY (pipes, CI): nothing is written', async () => {
  const { stream, text } = fakeStream(false)
  const p = createProgress('Removing containers', 3, { stream, showAfterMs: 0 })
  p.tick()
  await sleep(50)
  p.done()
  assert.is(text(), '')
})

test('a TTY that reports no width (an unsized pty) gets no spinner, and done() returns', async () => {
  for (const columns of [0, null]) {
    const { stream, text } = fakeStream(true, columns)
    const p = createProgress('Removing containers', 3, { stream, showAfterMs: 0 })
    await sleep(150)
    p.tick()
    p.done()
    assert.is(text(), '', `columns ${String(columns)}`)
  }
})

test('work that ends before the delay shows nothing', async () => {
  const { stream, text } = fakeStream(true)
  const p = createProgress('Removing containers', 3, { stream, showAfterMs: 200 })
  p.tick(3)
  p.done()
  await sleep(250)
  assert.is(text(), '')
})

test.run()
