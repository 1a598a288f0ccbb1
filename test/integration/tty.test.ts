import { spawn } from 'node:child_process'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { importBusyboxImage } from '../helpers/busybox-rootfs.js'
import { PODCTL_LAUNCHER, runPodctl } from '../helpers/cli.js'
import type { CliRun } from '../helpers/cli.js'
import { withTestHost } from '../helpers/container-cleanup.js'
import { hostArgs } from '../helpers/host.js'
import type { TestHost } from '../helpers/host.js'

const test = suite('-t/--tty in a real terminal (util-linux script gives podctl a pty)')

const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`

// Runs podctl inside `script`, so its stdin/stdout are a pty and it has a controlling
// terminal, as in an interactive shell; `input` is typed into that terminal.
function inTerminal (h: TestHost, args: string[], input: string): Promise<CliRun> {
  const cmd = [PODCTL_LAUNCHER, ...hostArgs(h), ...args].map(quote).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', code => { clearTimeout(timer); resolve({ code: code ?? 128, stdout, stderr }) })
    child.stdin.end(input)
  })
}

test('run -it: an interactive shell on a pty of its own; the exit status is the shell\'s', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await inTerminal(h, ['run', '--rm', '-it', '--network', 'none', 'busybox', 'sh'], 'tty\n[ -t 0 ] && [ -t 1 ] && echo both-ttys\nexit 7\n')
  assert.is(r.code, 7, r.stdout + r.stderr)
  assert.match(r.stdout, /\/dev\/pts\/\d+\r?\n/)
  assert.match(r.stdout, /both-ttys\r?\n/)
  assert.equal((await runPodctl([...hostArgs(h), 'ps', '-a', '-q'])).stdout, '', '--rm removed it')
}))

test('exec -it on a pty; run -d -t: the log holds what the container wrote to its terminal', () => withTestHost(async h => {
  await importBusyboxImage(h)
  assert.is((await runPodctl([...hostArgs(h), 'run', '-d', '--name', 'box', '--network', 'none', 'busybox', 'sleep', '100'])).code, 0)
  const e = await inTerminal(h, ['exec', '-it', 'box', 'sh', '-c', 'tty; exit 4'], '')
  assert.is(e.code, 4, e.stdout + e.stderr)
  assert.match(e.stdout, /\/dev\/pts\/\d+\r?\n/)
  const d = await runPodctl([...hostArgs(h), 'run', '-d', '-t', '--name', 'dt', '--network', 'none', 'busybox', 'sh', '-c', 'tty; sleep 100'])
  assert.is(d.code, 0, d.stderr)
  let logs = ''
  for (let i = 0; i < 50 && !/pts/.test(logs); i++) logs = (await runPodctl([...hostArgs(h), 'logs', 'dt'])).stdout
  assert.match(logs, /^\/dev\/pts\/\d+\r?\n/)
  const t = await runPodctl([...hostArgs(h), 'inspect', '--format', '{{.Config.Tty}}', 'dt'])
  assert.equal(t, { code: 0, stdout: 'true\n', stderr: '' })
  assert.is((await runPodctl([...hostArgs(h), 'rm', '-f', '-t', '0', 'box', 'dt'])).code, 0)
}))

test('-t without a terminal: a clear error, exit 125, nothing created', () => withTestHost(async h => {
  await importBusyboxImage(h)
  const r = await runPodctl([...hostArgs(h), 'run', '--rm', '-t', '--network', 'none', 'busybox', 'true'])
  assert.equal(r, { code: 125, stdout: '', stderr: 'Error: run -t/--tty: the input device is not a TTY (podctl\'s -t uses the terminal it runs in); run without -t, or detached with -d\n' })
  assert.equal((await runPodctl([...hostArgs(h), 'ps', '-a', '-q'])).stdout, '')
}))

test.run()
