import type { PodctlCommand, PodctlGroup } from '../command.js'
import { graphCommand } from './graph.js'
import { networkGroup } from './network.js'
import { psCommand } from './ps.js'
import { rmCommand } from './rm.js'

const containerCommands: PodctlCommand[] = [psCommand, rmCommand]

// The command tree. `podctl container <cmd>` aliases every container command, as in Podman.
export const COMMANDS: (PodctlCommand | PodctlGroup)[] = [
  ...containerCommands,
  { command: 'container <command>', describe: 'Manage containers', subcommands: containerCommands },
  networkGroup,
  graphCommand,
]
