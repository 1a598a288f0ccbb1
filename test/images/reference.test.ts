import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { isPodctlError } from '../../src/errors.js'
import { formatReference, normalizeDomain, parseReference, pulledName, tagName } from '../../src/images/reference.js'
import { mergeRegistriesConf, parseRegistriesToml, resolveCandidates } from '../../src/images/registries-conf.js'
import type { RegistriesConf } from '../../src/images/registries-conf.js'

const test = suite('image references and registries.conf')

function message (fn: () => unknown): string {
  try { fn() } catch (err) { assert.ok(isPodctlError(err), String(err)); return err.message }
  throw new Error('expected a throw')
}

const D = 'sha256:' + 'a'.repeat(64)

test('parseReference: domains, paths, tags and digests', () => {
  assert.equal(parseReference('busybox'), { domain: '', path: 'busybox' })
  assert.equal(parseReference('library/busybox:1.36'), { domain: '', path: 'library/busybox', tag: '1.36' })
  assert.equal(parseReference('127.0.0.1:5000/a/b:v1'), { domain: '127.0.0.1:5000', path: 'a/b', tag: 'v1' })
  assert.equal(parseReference('localhost/x'), { domain: 'localhost', path: 'x' })
  assert.equal(parseReference(`quay.io/x@${D}`), { domain: 'quay.io', path: 'x', digest: D })
  assert.equal(parseReference(`quay.io/x:t@${D}`), { domain: 'quay.io', path: 'x', tag: 't', digest: D })
  assert.equal(parseReference('a__b/c-d.e_f'), { domain: '', path: 'a__b/c-d.e_f' })
  // A first component without "." or ":" that is not localhost is a path, not a registry.
  assert.equal(parseReference('myhost/x'), { domain: '', path: 'myhost/x' })
})

test('parseReference: Podman\'s messages for bad references', () => {
  assert.is(message(() => parseReference('BAD/Name')), 'repository name must be lowercase')
  for (const bad of ['a@sha256:12', '', 'a b', 'a:', ':t', 'a//b', '-a', 'a/', 'a:t:t', 'a@sha512:' + 'a'.repeat(128), 'exa mple.com/x', 'a\0b', 'x:' + 't'.repeat(129)]) {
    assert.is(message(() => parseReference(bad)), 'invalid reference format', JSON.stringify(bad))
  }
  assert.is(message(() => parseReference('a'.repeat(256))), 'repository name must not be more than 255 characters')
})

test('normalize and format: docker.io/library, :latest default, tag names', () => {
  assert.equal(normalizeDomain(parseReference('docker.io/busybox')), { domain: 'docker.io', path: 'library/busybox' })
  assert.equal(normalizeDomain(parseReference('index.docker.io/u/x')), { domain: 'docker.io', path: 'u/x' })
  assert.is(formatReference(parseReference('quay.io/x')), 'quay.io/x:latest')
  assert.is(formatReference(parseReference(`quay.io/x@${D}`)), `quay.io/x@${D}`)
  assert.is(tagName(parseReference(`quay.io/x@${D}`)), undefined)
  assert.is(tagName(parseReference('quay.io/x:2')), 'quay.io/x:2')
})

const conf = (text: string, file = '/etc/containers/registries.conf'): RegistriesConf => mergeRegistriesConf([{ file, text }])

test('registries.conf: Debian\'s layout parses (comments, [aliases], [[registry]] tables, multi-line arrays)', () => {
  const c = conf([
    '# comment', 'unqualified-search-registries = [', '  "quay.io", # first', "  'docker.io',", ']', 'short-name-mode = "enforcing"',
    '[[registry]]', 'location = "r.example:5000"', 'insecure = true', '[[registry.mirror]]', 'location = "m"',
    '[aliases]', '  # docker', '  "alpine" = "docker.io/library/alpine"', '  "org/app" = "quay.io/org/app"', 'plain = "localhost/plain"', '',
  ].join('\n'))
  assert.equal(c.searchRegistries, ['quay.io', 'docker.io'])
  assert.equal([...c.aliases], [['alpine', 'docker.io/library/alpine'], ['org/app', 'quay.io/org/app'], ['plain', 'localhost/plain']])
})

test('registries.conf: later drop-ins replace the search list and override single aliases', () => {
  const c = mergeRegistriesConf([
    { file: 'main', text: 'unqualified-search-registries = ["a.io", "b.io"]\n[aliases]\n"x" = "a.io/x"\n"y" = "a.io/y"\n' },
    { file: 'd/1.conf', text: '[aliases]\n"x" = "c.io/x"\n' },
    { file: 'd/2.conf', text: 'unqualified-search-registries = ["c.io"]\n' },
  ])
  assert.equal(c.searchRegistries, ['c.io'])
  assert.equal(Object.fromEntries(c.aliases), { x: 'c.io/x', y: 'a.io/y' })
})

test('registries.conf: hostile tables are errors naming the file and line, never a crash', () => {
  const cases: [string, RegExp][] = [
    ['unqualified-search-registries = "quay.io"', /unqualified-search-registries must be an array of strings/],
    ['unqualified-search-registries = [1]', /invalid unqualified-search-registries entry 1/],
    ['unqualified-search-registries = ["quay.io/../x"]', /invalid unqualified-search-registries entry "quay\.io\/\.\.\/x"/],
    ['unqualified-search-registries = ["https://quay.io"]', /invalid unqualified-search-registries entry/],
    ['unqualified-search-registries = ["a b"]', /invalid unqualified-search-registries entry/],
    ['[aliases]\n"x" = "notqualified"', /alias "x": value "notqualified" must be fully qualified/],
    ['[aliases]\n"x" = "quay.io/x:tag"', /must not carry a tag or digest/],
    ['[aliases]\n"quay.io/x" = "quay.io/x"', /invalid short name alias "quay\.io\/x": must be a short name/],
    ['[aliases]\n"x:1" = "quay.io/x"', /must be a short name without tag or digest/],
    ['[aliases]\n"X" = "quay.io/x"', /invalid short name alias "X"/],
    ['[aliases]\n"x" = ["quay.io/x"]', /value must be a string/],
    ['[aliases]\n"x" = "quay.io/UPPER"', /invalid value "quay\.io\/UPPER": repository name must be lowercase/],
    ['[aliases]\n"x" = "a.io/x"\n"x" = "b.io/x"', /line 3: duplicate key "x"/],
    ['unqualified-search-registries = ["unterminated', /line 1: unterminated string/],
    ['unqualified-search-registries = ["a.io"', /expected "," or "\]" in array/],
    ['key = """multi"""', /multi-line strings are not supported/],
    ['key = 1.5', /unsupported value/],
    ['key = { inline = 1 }', /unsupported value/],
    ['[aliases\n', /expected "\]"/],
    ['= "x"', /expected a key/],
    ['a = "x" b = "y"', /expected the end of the line/],
    ['a = "\\q"', /bad escape in string/],
  ]
  for (const [text, re] of cases) {
    const m = message(() => conf(text, '/etc/containers/registries.conf.d/evil.conf'))
    assert.match(m, /^loading registries configuration "\/etc\/containers\/registries\.conf\.d\/evil\.conf": /, text)
    assert.match(m, re, text)
  }
})

test('parseRegistriesToml: escapes and unknown tables are parsed and ignored', () => {
  const { top, aliases } = parseRegistriesToml('a = "tab\\tq\\"u\\u00e9"\n[other]\nunqualified-search-registries = ["x"]\n[aliases]\n"k" = \'lit\\eral\'\n', 'f')
  assert.equal([...top], [['a', 'tab\tq"ué']])
  assert.equal([...aliases], [['k', 'lit\\eral']])
})

test('resolveCandidates: qualified names as given, aliases before search registries, tags and digests kept', () => {
  const c = conf('unqualified-search-registries = ["first.io", "docker.io", "quay.io/ns"]\n[aliases]\n"alias" = "alias.io/real/image"\n')
  const names = (raw: string): string[] => resolveCandidates(raw, c).map(formatReference)
  assert.equal(names('127.0.0.1:5000/x'), ['127.0.0.1:5000/x:latest'])
  assert.equal(names('localhost/x:1'), ['localhost/x:1'])
  assert.equal(names('docker.io/busybox'), ['docker.io/library/busybox:latest'])
  assert.equal(names('alias:2'), ['alias.io/real/image:2'])
  assert.equal(names(`alias@${D}`), [`alias.io/real/image@${D}`])
  assert.equal(names('busybox'), ['first.io/busybox:latest', 'docker.io/library/busybox:latest', 'quay.io/ns/busybox:latest'])
  assert.equal(names('org/app:v'), ['first.io/org/app:v', 'docker.io/org/app:v', 'quay.io/ns/org/app:v'])
  assert.is(message(() => resolveCandidates('x', conf(''))), 'short-name "x" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"')
})

test('pulledName: the name a pull records, as Podman does: repository:tag, repository@digest for a digest alone', () => {
  const p = (raw: string): string => pulledName(normalizeDomain(parseReference(raw)))
  assert.equal([p('r.io/a'), p('r.io/a:1'), p(`r.io/a@${D}`), p(`r.io/a:1@${D}`)], ['r.io/a:latest', 'r.io/a:1', `r.io/a@${D}`, 'r.io/a:1'])
})

test.run()
