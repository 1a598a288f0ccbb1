import { renderDryRun } from '../index.js'
import type { ExitPolicy, RemovalDryRun, RemoveOptions } from '../index.js'
import type { CommandResult } from './command.js'
import type { CommandContext } from './context.js'
import type { Progress } from './progress.js'
import type { RemovalFlags } from './removal-flags.js'
import { renderJson } from './render.js'

// rm --dry-run and pod rm --dry-run: the plan in waves (or JSON), and the validation
// errors the real run would report, with their exit status.
export function dryRunResult (dry: RemovalDryRun, json: boolean, exitPolicy: ExitPolicy = 'batch'): CommandResult {
  const stdout = json ? renderJson({ dryRun: true, ...dry.plan, cycles: dry.cycles }) : renderDryRun(dry.plan)
  return { stdout, errors: dry.errors, exitPolicy }
}

// Runs a removal with the command's -t and --max-workers, the injected backend (tests), and
// a progress display on stderr sized by the plan.
export async function runWithProgress<T> (ctx: CommandContext, f: RemovalFlags, label: string, run: (opts: RemoveOptions) => Promise<T>): Promise<T> {
  let progress: Progress | undefined
  try {
    return await run({
      ...(ctx.removalBackend === undefined ? {} : { backend: ctx.removalBackend(ctx) }),
      ...(f.timeoutSec === undefined ? {} : { timeoutSec: f.timeoutSec }),
      ...(f.maxWorkers === undefined ? {} : { maxWorkers: f.maxWorkers }),
      onPlanned: n => { progress = ctx.progress(label, n) },
      onSettled: () => progress?.tick(),
    })
  } finally {
    progress?.done()
  }
}
