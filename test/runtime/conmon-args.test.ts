import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { conmonArgs, findExecutable } from '../../src/runtime/conmon-args.js'

const test = suite('conmon command line')

test('conmonArgs: Podman\'s create arguments, runtime args before the runtime command, k8s-file log, exit dir', () => {
  const args = conmonArgs({
    id: 'c'.repeat(64), name: 'web', runtimePath: '/usr/sbin/runc', runtimeRoot: '/run/p/runtime', bundle: '/run/p/containers/c',
    pidFile: '/run/p/containers/c/pidfile', conmonPidFile: '/run/p/containers/c/conmon.pid', runtimeLog: '/run/p/containers/c/oci-log',
    logFile: '/var/lib/p/ctr.log', logSizeMax: 1048576, exitDir: '/run/p/exits', logLevel: 'warn',
  })
  assert.equal(args, [
    '--api-version', '1', '-c', 'c'.repeat(64), '-u', 'c'.repeat(64), '-r', '/usr/sbin/runc', '-b', '/run/p/containers/c',
    '-p', '/run/p/containers/c/pidfile', '-n', 'web', '--exit-dir', '/run/p/exits', '--full-attach',
    '--runtime-arg', '--root', '--runtime-arg', '/run/p/runtime',
    '--runtime-arg', '--log-format=json', '--runtime-arg', '--log', '--runtime-arg', '/run/p/containers/c/oci-log',
    '-l', 'k8s-file:/var/lib/p/ctr.log', '--log-size-max', '1048576', '--log-level', 'warning', '--syslog',
    '--conmon-pidfile', '/run/p/containers/c/conmon.pid',
  ])
})

test('conmonArgs: no --log-size-max unless a limit is given (Podman\'s default: unlimited)', () => {
  const args = conmonArgs({
    id: 'c'.repeat(64), name: 'web', runtimePath: '/usr/sbin/runc', runtimeRoot: '/r', bundle: '/b', pidFile: '/b/pidfile',
    conmonPidFile: '/b/conmon.pid', runtimeLog: '/b/oci-log', logFile: '/l/ctr.log', exitDir: '/e', logLevel: 'warn',
  })
  assert.not.ok(args.includes('--log-size-max'))
})

test('findExecutable: first executable file in PATH order; absolute names as they are; directories and plain files skipped', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-which-'))
  try {
    for (const d of ['a', 'b', 'c']) fs.mkdirSync(path.join(dir, d))
    fs.writeFileSync(path.join(dir, 'a', 'tool'), 'not executable', { mode: 0o644 })
    fs.mkdirSync(path.join(dir, 'b', 'tool'))
    fs.writeFileSync(path.join(dir, 'c', 'tool'), '#!/bin/sh\n', { mode: 0o755 })
    const envPath = ['a', 'b', 'c'].map(d => path.join(dir, d)).join(':')
    assert.is(findExecutable('tool', [], envPath), path.join(dir, 'c', 'tool'))
    assert.is(findExecutable('missing', [], envPath), undefined)
    assert.is(findExecutable('missing', [path.join(dir, 'c', 'tool')], envPath), path.join(dir, 'c', 'tool'))
    assert.is(findExecutable(path.join(dir, 'a', 'tool'), [], envPath), undefined)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
