import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { EXEC_FLAGS } from '../../src/cli/commands/exec.js'
import { CREATE_FLAGS, reparseArgs } from '../../src/cli/create-flags.js'
import { isPodctlError } from '../../src/errors.js'

const test = suite('reparseArgs (pflag booleans)')

const exec = (...words: string[]): { args: Record<string, unknown>, positionals: string[] } => {
  const { args, positionals } = reparseArgs({ _: ['exec', ...words] } as never, 'exec', EXEC_FLAGS)
  return { args, positionals }
}

test('a boolean flag never takes the next word: exec -l true runs "true" in the latest container', () => {
  assert.equal([exec('-l', 'true').args['latest'], exec('-l', 'true').positionals], [true, ['true']])
  assert.equal([exec('--latest', 'false', 'x').args['latest'], exec('--latest', 'false', 'x').positionals], [true, ['false', 'x']])
  const cluster = exec('-it', '-l', 'true', 'a')
  assert.equal([cluster.args['interactive'], cluster.args['tty'], cluster.args['latest'], cluster.positionals], [true, true, true, ['true', 'a']])
})

test('values stay where pflag puts them: --flag=false, a value flag\'s next word, a cluster ending in a value flag, words after the container', () => {
  const off = exec('--interactive=false', 'web', 'true')
  assert.equal([off.args['interactive'], off.positionals], [false, ['web', 'true']])
  const env = exec('-ie', 'A=1', '-w', '/srv', 'web', 'sh', '-l')
  assert.equal([env.args['interactive'], env.args['env'], env.args['workdir'], env.positionals], [true, ['A=1'], '/srv', ['web', 'sh', '-l']])
  const joined = exec('-eB=2', '--user', 'true', 'web', 'true')
  assert.equal([joined.args['env'], joined.args['user'], joined.positionals], [['B=2'], 'true', ['web', 'true']])
  const dashes = exec('--', 'web', '-l', 'true')
  assert.equal([dashes.args['latest'], dashes.positionals], [undefined, ['web', '-l', 'true']])
})

test('create: --rm and -t before the image, -l (--label) takes its value, and an unknown flag is still refused', () => {
  const { args, positionals } = reparseArgs({ _: ['create', '--rm', '-t', '-l', 'true', '-e=X=1', 'busybox', 'true'] } as never, 'create', CREATE_FLAGS)
  assert.equal([args['rm'], args['tty'], args['label'], args['env'], positionals], [true, true, ['true'], ['X=1'], ['busybox', 'true']])
  try {
    reparseArgs({ _: ['create', '--bogus', 'busybox'] } as never, 'create', CREATE_FLAGS)
    assert.unreachable('unknown flag accepted')
  } catch (err) {
    assert.ok(isPodctlError(err))
    assert.match((err as Error).message, /^unknown flag: --bogus\n/)
  }
})

test.run()
