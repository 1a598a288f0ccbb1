// system check and repair: the public API.
export { runSystemCheck } from './run-check.js'
export type { CheckOptions } from './run-check.js'
export { checkExitCode, FINDING_KINDS } from './types.js'
export type { CheckReport, Finding, FindingKind } from './types.js'
export { renderCheckText } from './render.js'
export { resetHost } from './reset.js'
export type { ResetSummary } from './reset.js'
