import { renderDryRun } from '../index.js'
import type { ExitPolicy, RemovalDryRun } from '../index.js'
import type { CommandResult } from './command.js'
import { renderJson } from './render.js'

// rm --dry-run and pod rm --dry-run: the plan in waves (or JSON), and the validation
// errors the real run would report, with their exit status.
export function dryRunResult (dry: RemovalDryRun, json: boolean, exitPolicy: ExitPolicy = 'batch'): CommandResult {
  const stdout = json ? renderJson({ dryRun: true, ...dry.plan, cycles: dry.cycles }) : renderDryRun(dry.plan)
  return { stdout, errors: dry.errors, exitPolicy }
}
