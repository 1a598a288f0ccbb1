import type { PodctlCommand, PodctlGroup } from '../command.js'
import { createCommand } from './create.js'
import { execCommand } from './exec.js'
import { graphCommand } from './graph.js'
import { imageGroup, imagesCommand, rmiCommand, tagCommand, topLoadCommand, topPullCommand, topSaveCommand, untagCommand } from './image.js'
import { inspectCommand } from './inspect.js'
import { killCommand } from './kill.js'
import { logsCommand } from './logs.js'
import { networkGroup } from './network.js'
import { podSubcommands } from './pod.js'
import { podRmCommand } from './pod-rm.js'
import { psCommand } from './ps.js'
import { rmCommand } from './rm.js'
import { runCommand } from './run.js'
import { startCommand } from './start.js'
import { stopCommand } from './stop.js'
import { systemGroup } from './system.js'
import { volumeGroup } from './volume.js'
import { waitCommand } from './wait.js'
import { infoCommand, versionCommand } from './version.js'
import { existsCommand } from '../exists-command.js'

const containerCommands: PodctlCommand[] = [psCommand, rmCommand, createCommand, runCommand, startCommand, stopCommand, killCommand, inspectCommand, logsCommand, waitCommand, execCommand]

// The command tree. `podctl container <cmd>` aliases every container command, as in Podman.
export const COMMANDS: (PodctlCommand | PodctlGroup)[] = [
  ...containerCommands,
  { command: 'container <command>', describe: 'Manage containers', subcommands: [...containerCommands, existsCommand('container')] },
  networkGroup,
  imageGroup,
  imagesCommand,
  rmiCommand,
  topPullCommand,
  topLoadCommand,
  topSaveCommand,
  tagCommand,
  untagCommand,
  volumeGroup,
  { command: 'pod <command>', describe: 'Manage pods', subcommands: [...podSubcommands, podRmCommand] },
  graphCommand,
  systemGroup,
  versionCommand,
  infoCommand,
]
