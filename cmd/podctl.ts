#!/usr/bin/env node
import { hideBin } from 'yargs/helpers'

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

const code = await runCli(hideBin(process.argv), {
  stdout: s => { process.stdout.write(s) },
  stderr: s => { process.stderr.write(s) },
  signal: controller.signal,
})
process.exitCode = code
