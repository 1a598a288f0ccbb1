import { objectExists } from '../index.js'
import type { ExistsKind } from '../index.js'
import type { PodctlCommand } from './command.js'

// `podman <kind> exists NAME`: exit 0 if it exists, 1 if it does not, 125 on an error;
// nothing is printed either way.
export function existsCommand (kind: ExistsKind): PodctlCommand {
  return {
    command: 'exists <name>',
    describe: `Check if a ${kind} exists`,
    examples: [[`podctl ${kind} exists web && echo yes`, `exit 0 when the ${kind} exists, 1 when it does not`]],
    builder: y => y.positional('name', { type: 'string' }),
    async run (ctx, argv) {
      return { exitCode: await objectExists(ctx, kind, String(argv['name'])) ? 0 : 1 }
    },
  }
}
