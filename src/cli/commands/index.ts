import type { CommandDescriptor, GroupDescriptor, PodctlCommand, PodctlGroup } from '../command.js'

// The command tree, as `podctl --help` lists it. Each entry is cheap: its words, description
// and aliases, exactly as its module states them (test/cli/command-table.test.ts checks),
// and a load() that imports the module; a run imports only the module of the command it
// names (and the bundle splits each module into its own chunk).
//
// A new command: write its module (a PodctlCommand, as before), then add one line here
// (top level: in COMMANDS; in a group: in that group's list) and a --help case to
// test/cli/help-output.test.ts.

// A group's subcommand from its module's PodctlGroup, by its first word.
const sub = (group: PodctlGroup, word: string): PodctlCommand => {
  const c = group.subcommands.find(s => s.command.split(' ')[0] === word)
  if (c === undefined) throw new Error(`Assertion failed: ${group.command} has no subcommand ${word}`)
  return c
}
const exists = (kind: 'container' | 'pod' | 'volume' | 'network' | 'image'): CommandDescriptor => ({
  command: 'exists <name>', describe: `Check if a ${kind} exists`, load: async () => (await import('../exists-command.js')).existsCommand(kind),
})

const ps: CommandDescriptor = { command: 'ps', describe: 'List containers', aliases: ['ls', 'list'], load: async () => (await import('./ps.js')).psCommand }
const rm: CommandDescriptor = { command: 'rm [containers..]', describe: 'Remove one or more containers', aliases: ['remove'], load: async () => (await import('./rm.js')).rmCommand }
const create: CommandDescriptor = { command: 'create [image] [command..]', describe: 'Create but do not start a container', load: async () => (await import('./create.js')).createCommand }
const run: CommandDescriptor = { command: 'run [image] [command..]', describe: 'Run a command in a new container', load: async () => (await import('./run.js')).runCommand }
const start: CommandDescriptor = { command: 'start [containers..]', describe: 'Start one or more containers', load: async () => (await import('./start.js')).startCommand }
const stop: CommandDescriptor = { command: 'stop [containers..]', describe: 'Stop one or more containers', load: async () => (await import('./stop.js')).stopCommand }
const kill: CommandDescriptor = { command: 'kill [containers..]', describe: 'Kill one or more running containers with a specific signal', load: async () => (await import('./kill.js')).killCommand }
const inspect: CommandDescriptor = { command: 'inspect [names..]', describe: 'Display the configuration of a container', load: async () => (await import('./inspect.js')).inspectCommand }
const logs: CommandDescriptor = { command: 'logs [containers..]', describe: 'Fetch the logs of one or more containers', load: async () => (await import('./logs.js')).logsCommand }
const wait: CommandDescriptor = { command: 'wait [containers..]', describe: 'Block on one or more containers', load: async () => (await import('./wait.js')).waitCommand }
const exec: CommandDescriptor = { command: 'exec [container] [command..]', describe: 'Run a process in a running container', load: async () => (await import('./exec.js')).execCommand }

// `podctl container <cmd>` aliases every container command, as in Podman.
const containerCommands: CommandDescriptor[] = [ps, rm, create, run, start, stop, kill, inspect, logs, wait, exec]

const network = async (word: string): Promise<PodctlCommand> => sub((await import('./network.js')).networkGroup, word)
const image = async (word: string): Promise<PodctlCommand> => sub((await import('./image.js')).imageGroup, word)
const volume = async (word: string): Promise<PodctlCommand> => sub((await import('./volume.js')).volumeGroup, word)
const pod = async (word: string): Promise<PodctlCommand> => sub({ command: 'pod', describe: '', subcommands: (await import('./pod.js')).podSubcommands }, word)
const system = async (word: string): Promise<PodctlCommand> => sub((await import('./system.js')).systemGroup, word)

export const COMMANDS: (CommandDescriptor | GroupDescriptor)[] = [
  ...containerCommands,
  { command: 'container <command>', describe: 'Manage containers', subcommands: [...containerCommands, exists('container')] },
  {
    command: 'network <command>',
    describe: 'Manage networks',
    subcommands: [
      { command: 'create [name]', describe: 'Create a network', load: () => network('create') },
      { command: 'ls', describe: 'List networks', aliases: ['list'], load: () => network('ls') },
      { command: 'inspect <networks..>', describe: 'Display detailed information on one or more networks', load: () => network('inspect') },
      { command: 'rm <networks..>', describe: 'Remove networks', aliases: ['remove'], load: () => network('rm') },
      { command: 'prune', describe: 'Remove all unused networks', load: () => network('prune') },
      exists('network'),
    ],
  },
  {
    command: 'image <command>',
    describe: 'Manage images',
    subcommands: [
      { command: 'import <path> <name>', describe: 'Import a rootfs directory or tarball as an image', load: () => image('import') },
      { command: 'pull <name>', describe: 'Pull an image from a registry', load: async () => (await import('../pull-command.js')).pullCommand },
      { command: 'load', describe: 'Load images from a docker-archive or oci-archive tarball (gzip-compressed or not)', load: () => image('load') },
      { command: 'save <images..>', describe: 'Save an image to a docker-archive or oci-archive tarball', load: () => image('save') },
      { command: 'ls', describe: 'List images', aliases: ['list'], load: () => image('ls') },
      { command: 'rm [images..]', describe: 'Remove images (a name of an image with other names is only untagged)', aliases: ['remove'], load: () => image('rm') },
      { command: 'prune', describe: 'Remove unused images: dangling ones, or with -a every image no container uses', load: () => image('prune') },
      { command: 'inspect <images..>', describe: 'Display the configuration of an image', load: () => image('inspect') },
      { command: 'tag <image> <names..>', describe: 'Add an additional name to a local image', load: () => image('tag') },
      { command: 'untag <image> [names..]', describe: 'Remove names from a local image (all of them without names)', load: () => image('untag') },
      exists('image'),
    ],
  },
  { command: 'images', describe: 'List images', aliases: [], load: async () => (await import('./image.js')).imagesCommand },
  { command: 'rmi [images..]', describe: 'Remove images (a name of an image with other names is only untagged)', aliases: [], load: async () => (await import('./image.js')).rmiCommand },
  { command: 'pull <name>', describe: 'Pull an image from a registry', load: async () => (await import('../pull-command.js')).pullCommand },
  { command: 'load', describe: 'Load images from a docker-archive or oci-archive tarball (gzip-compressed or not)', load: async () => (await import('./image.js')).topLoadCommand },
  { command: 'save <images..>', describe: 'Save an image to a docker-archive or oci-archive tarball', load: async () => (await import('./image.js')).topSaveCommand },
  { command: 'tag <image> <names..>', describe: 'Add an additional name to a local image', load: async () => (await import('./image.js')).tagCommand },
  { command: 'untag <image> [names..]', describe: 'Remove names from a local image (all of them without names)', load: async () => (await import('./image.js')).untagCommand },
  {
    command: 'volume <command>',
    describe: 'Manage volumes',
    subcommands: [
      { command: 'create [name]', describe: 'Create a new volume', load: () => volume('create') },
      { command: 'ls', describe: 'List volumes', aliases: ['list'], load: () => volume('ls') },
      { command: 'inspect [names..]', describe: 'Display detailed information on one or more volumes', load: () => volume('inspect') },
      { command: 'rm [names..]', describe: 'Remove one or more volumes not used by any container', aliases: ['remove'], load: () => volume('rm') },
      { command: 'prune', describe: 'Remove all volumes not used by any container', load: () => volume('prune') },
      exists('volume'),
    ],
  },
  {
    command: 'pod <command>',
    describe: 'Manage pods',
    subcommands: [
      { command: 'create', describe: 'Create a new empty pod', load: () => pod('create') },
      { command: 'start [pods..]', describe: 'Start one or more pods', load: () => pod('start') },
      { command: 'stop [pods..]', describe: 'Stop one or more pods', load: () => pod('stop') },
      { command: 'ps', describe: 'List pods', aliases: ['ls', 'list'], load: () => pod('ps') },
      { command: 'inspect [pods..]', describe: 'Display information describing a pod', load: () => pod('inspect') },
      exists('pod'),
      { command: 'rm [pods..]', describe: 'Remove one or more pods', aliases: ['remove'], load: async () => (await import('./pod-rm.js')).podRmCommand },
    ],
  },
  { command: 'graph', describe: 'Show the container dependency graph', load: async () => (await import('./graph.js')).graphCommand },
  {
    command: 'system <command>',
    describe: 'Manage podctl',
    subcommands: [
      { command: 'check', describe: 'Check the state, runtime, storage and network for inconsistencies (and repair them)', load: () => system('check') },
      { command: 'reset', describe: 'Remove all containers, pods, podctl networks, volumes and images', load: () => system('reset') },
    ],
  },
  { command: 'version', describe: 'Display the podctl version information', load: async () => (await import('./version.js')).versionCommand },
  { command: 'info', describe: 'Display podctl related system information', load: async () => (await import('./version.js')).infoCommand },
]
