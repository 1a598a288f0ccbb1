import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { resolveConfig } from '../src/config.js'
import { isPodctlError } from '../src/errors.js'

const test = suite('config')

// The message resolveConfig throws, or 'ok'.
function configError (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolveConfig(raw, env)
    return 'ok'
  } catch (err) {
    assert.ok(isPodctlError(err) && err.code === 'INVALID_ARGUMENT', JSON.stringify(raw))
    return (err as Error).message
  }
}

test('defaults: Podman-like system paths, runc, warn', () => {
  assert.equal(resolveConfig({}, {}), {
    root: '/var/lib/podctl', runroot: '/run/podctl', cniConfigDir: '/etc/cni/net.d', cniPluginDirs: ['/usr/lib/cni', '/opt/cni/bin'],
    cniCacheDir: '/var/lib/cni', runtime: 'runc', logLevel: 'warn',
  })
})

test('every option from its env var, flags over env vars; paths normalised, empty plugin dirs dropped', () => {
  const env = {
    PODCTL_ROOT: '/e/root', PODCTL_RUNROOT: '/e/run', PODCTL_CNI_CONFIG_DIR: '/e/net.d', PODCTL_CNI_PLUGIN_DIR: '/e/a::/e/b/',
    PODCTL_CNI_CACHE_DIR: '/e/cache', PODCTL_RUNTIME: 'crun', PODCTL_LOG_LEVEL: 'debug',
  }
  assert.equal(resolveConfig({}, env), {
    root: '/e/root', runroot: '/e/run', cniConfigDir: '/e/net.d', cniPluginDirs: ['/e/a', '/e/b'], cniCacheDir: '/e/cache', runtime: 'crun', logLevel: 'debug',
  })
  const flags = { root: '/f/root/../r', runroot: '/f/run', 'cni-config-dir': '/f/net.d', 'cni-plugin-dir': '/f/p', 'cni-cache-dir': '/f/cache', runtime: '/opt/bin/runc', 'log-level': 'error' }
  assert.equal(resolveConfig(flags, env), {
    root: '/f/r', runroot: '/f/run', cniConfigDir: '/f/net.d', cniPluginDirs: ['/f/p'], cniCacheDir: '/f/cache', runtime: '/opt/bin/runc', logLevel: 'error',
  })
  // undefined and null flags fall through to the env var.
  assert.is(resolveConfig({ root: undefined, runroot: null }, env).runroot, '/e/run')
})

test('bad values are refused naming the flag, also when they come from the env', () => {
  const table: [Record<string, unknown>, NodeJS.ProcessEnv, string][] = [
    [{ root: 'relative' }, {}, 'invalid --root "relative": must be an absolute path'],
    [{ root: '' }, {}, 'invalid --root "": must be a non-empty path'],
    [{ runroot: '/a\0b' }, {}, 'invalid --runroot "/a\\u0000b": must be a non-empty path'],
    [{}, { PODCTL_CNI_PLUGIN_DIR: '/ok:rel' }, 'invalid --cni-plugin-dir "rel": must be an absolute path'],
    [{ 'log-level': 'loud' }, {}, 'invalid --log-level "loud": must be one of debug, info, warn, error'],
    [{}, { PODCTL_LOG_LEVEL: 'trace' }, 'invalid --log-level "trace": must be one of debug, info, warn, error'],
    [{ runtime: 'youki' }, {}, 'invalid --runtime "youki": must be runc, crun or an absolute path'],
    [{ root: ['/a', '/b'] }, {}, 'invalid --root: expected one value'],
  ]
  for (const [raw, env, message] of table) assert.is(configError(raw, env), message, JSON.stringify(raw))
})

test.run()
