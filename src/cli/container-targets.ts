import { selectContainers } from '../index.js'
import type { ContainerSelection } from '../index.js'
import type { Args } from './command.js'
import type { CommandContext } from './context.js'
import { checkAllLatestAndIdFile, strings } from './removal-flags.js'

// The targets of stop and kill: names/IDs (printed as typed), --cidfile, --all (running
// ones), --latest. Misses are reported together, and nothing is acted on (Podman).
export function selectRunningTargets (ctx: CommandContext, argv: Args): ContainerSelection {
  const refs = strings(argv['containers'])
  const idFiles = strings(argv['cidfile'])
  checkAllLatestAndIdFile(refs, { all: argv['all'] === true, latest: argv['latest'] === true, idFiles, idFileFlag: 'cidfile' })
  const ignore = argv['ignore'] === true
  return selectContainers(ctx, {
    refs, idFiles, all: argv['all'] === true, allRunningOnly: true, latest: argv['latest'] === true,
    onMissing: ignore ? 'skip' : 'collect', onIdFileError: 'collect', wording: 'lookup',
  })
}

