#!/usr/bin/env node
import { runCli } from '../src/cli/cli.js'

// The only place that sets the exit status.
const controller = new AbortController()
let interrupts = 0
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupts++
    controller.abort(new Error(`interrupted by ${sig}`))
    // A second Ctrl-C leaves at once; the next run finishes what was claimed.
    if (interrupts > 1) process.exit(130)
  })
}

// The launcher (cmd/podctl.sh) renames --env-file, which Node 20 would take as its own.
// (argv past node and the script: yargs/helpers' hideBin, without loading yargs-parser.)
const args = process.argv.slice(2).map(a => a === '--podctl-env-file' ? '--env-file' : a.startsWith('--podctl-env-file=') ? `--env-file=${a.slice('--podctl-env-file='.length)}` : a)

const code = await runCli(args, {
  stdout: s => { process.stdout.write(s) },
  stderr: s => { process.stderr.write(s) },
  signal: controller.signal,
})
process.exitCode = code
