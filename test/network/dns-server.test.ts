import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { stopDnsServer } from '../../src/network/dns-server.js'
import { waitFor } from '../helpers/wait.js'

const test = suite('dns-server: what a crash leaves of a network\'s dnsmasq')

const alive = (pid: number): boolean => {
  try {
    return !/^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

test('stops the process of the pidfile only when it serves that network\'s config; removes the dir; idempotent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-dnsname-'))
  const netDir = path.join(dir, 'n1')
  fs.mkdirSync(netDir)
  // Stand-ins whose command lines look like dnsmasq's: one for this network, one not.
  const loop = 'trap "exit 0" TERM; while :; do sleep 0.2; done'
  const mine = spawn('sh', ['-c', loop, 'sh', `--conf-file=${path.join(netDir, 'dnsmasq.conf')}`], { stdio: 'ignore' })
  const other = spawn('sh', ['-c', loop, 'sh', `--conf-file=${path.join(dir, 'n2', 'dnsmasq.conf')}`], { stdio: 'ignore' })
  try {
    await sleep(100)
    fs.writeFileSync(path.join(netDir, 'pidfile'), `${other.pid!}\n`)
    stopDnsServer('n1', dir)
    assert.ok(alive(other.pid!), 'a process serving another config is never signalled')
    assert.not.ok(fs.existsSync(netDir))
    fs.mkdirSync(netDir)
    fs.writeFileSync(path.join(netDir, 'pidfile'), `${mine.pid!}\n`)
    stopDnsServer('n1', dir)
    // Its trap runs once the loop's sleep ends: waited for, not timed (CI machines are loaded).
    await waitFor(() => !alive(mine.pid!), 'the stand-in to exit on SIGTERM')
    assert.not.ok(fs.existsSync(netDir))
    stopDnsServer('n1', dir)
    stopDnsServer('../etc', dir)
    assert.ok(fs.existsSync(dir))
  } finally {
    for (const p of [mine, other]) try { process.kill(p.pid!, 'SIGKILL') } catch {}
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
