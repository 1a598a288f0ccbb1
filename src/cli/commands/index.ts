import type { PodctlCommand, PodctlGroup } from '../command.js'
import { networkGroup } from './network.js'
import { psCommand } from './ps.js'

const containerCommands: PodctlCommand[] = [psCommand]

// The command tree. `podctl container <cmd>` aliases every container command, as in Podman.
export const COMMANDS: (PodctlCommand | PodctlGroup)[] = [
  ...containerCommands,
  { command: 'container <command>', describe: 'Manage containers', subcommands: containerCommands },
  networkGroup,
]
