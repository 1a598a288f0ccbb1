import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { readConfig } from '../../src/containers/container-config.js'
import { containerFixture } from '../helpers/fixtures.js'

const test = suite('container config: the monitor recorded in the row')

test('monitor: read as recorded; a row of an older podctl names its log pump instead; null or malformed is none', () => {
  const cfg = (config: Record<string, unknown>) => readConfig(containerFixture({ config }))
  assert.equal(cfg({ monitor: { pid: 12, start: '345' } }).monitor, { pid: 12, start: '345' })
  assert.equal(cfg({ logPump: { pid: 7, start: '8' } }).monitor, { pid: 7, start: '8' })
  assert.equal(cfg({ monitor: { pid: 12, start: '345' }, logPump: { pid: 7, start: '8' } }).monitor, { pid: 12, start: '345' })
  assert.is(cfg({ monitor: null, logPump: null }).monitor, undefined)
  assert.is(cfg({ monitor: { pid: '12', start: 345 } }).monitor, undefined)
  assert.is(cfg({}).monitor, undefined)
})

test.run()
