import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { namedCommands } from '../../src/cli/cli.js'
import { isGroup } from '../../src/cli/command.js'
import type { CommandDescriptor } from '../../src/cli/command.js'
import { COMMANDS } from '../../src/cli/commands/index.js'
import { imageGroup, imagesCommand, rmiCommand } from '../../src/cli/commands/image.js'
import { networkGroup } from '../../src/cli/commands/network.js'
import { podSubcommands } from '../../src/cli/commands/pod.js'
import { podRmCommand } from '../../src/cli/commands/pod-rm.js'
import { systemGroup } from '../../src/cli/commands/system.js'
import { volumeGroup } from '../../src/cli/commands/volume.js'
import { VERSION } from '../../src/version.js'
import { runInProcess } from '../helpers/cli.js'

// The command table (src/cli/commands/index.ts) lists each command without importing it;
// what it lists must be what the module it loads says.
const test = suite('command-table')

const all = (): [string, CommandDescriptor][] => COMMANDS.flatMap(c => isGroup(c)
  ? c.subcommands.map((s): [string, CommandDescriptor] => [`${c.command.split(' ')[0]!} ${s.command}`, s])
  : [[c.command, c]])

test('every descriptor loads a command with its own words, description and aliases', async () => {
  for (const [where, d] of all()) {
    const c = await d.load()
    assert.equal({ command: d.command, describe: d.describe, aliases: d.aliases ?? [] }, { command: c.command, describe: c.describe, aliases: c.aliases ?? [] }, where)
  }
})

test('every subcommand of a group module has a descriptor in its group', () => {
  const words = (cmds: readonly { command: string }[]): string[] => cmds.map(c => c.command.split(' ')[0]!).sort()
  const group = (name: string): string[] => {
    const g = COMMANDS.find(c => c.command.split(' ')[0] === name)
    assert.ok(g !== undefined && isGroup(g), name)
    return isGroup(g) ? words(g.subcommands) : []
  }
  assert.equal(group('network'), words(networkGroup.subcommands))
  assert.equal(group('image'), words(imageGroup.subcommands))
  assert.equal(group('volume'), words(volumeGroup.subcommands))
  assert.equal(group('system'), words(systemGroup.subcommands))
  assert.equal(group('pod'), words([...podSubcommands, podRmCommand]))
  assert.ok(COMMANDS.some(c => c.command === imagesCommand.command) && COMMANDS.some(c => c.command === rmiCommand.command))
})

test('namedCommands: the words of argv, past global options and their values', () => {
  const named = (args: string[]): string[] => namedCommands(args).map(d => d.command)
  assert.equal(named(['ps', '-a']), ['ps'])
  assert.equal(named(['ls']), ['ps'])
  assert.equal(named(['--root', '/x', '--log-level', 'debug', 'pod', '--help', 'rm', 'p1']), ['rm [pods..]'])
  assert.equal(named(['--root=/x', 'container', 'list']), ['ps'])
  assert.equal(named(['--get-yargs-completions', 'podctl', 'network', 'create', '--']), ['create [name]'])
  assert.equal(named(['pod']), [])
  assert.equal(named(['frobnicate', 'ps']), [])
  assert.equal(named(['--', 'ps']), [])
})

test('a command argv does not name by its words still runs (loaded when yargs picks it)', async () => {
  // `--format json` before the word: the scan takes "json" for the command word.
  const r = await runInProcess(['--format', 'json', '--root', '/nonexistent/podctl-table-test', 'version'])
  assert.is(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout)['Client']['Version'], VERSION)
})

test.run()
