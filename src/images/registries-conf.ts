import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, invalidArgument, PodctlError } from '../errors.js'
import type { ImageReference } from './reference.js'
import { DOMAIN, normalizeDomain, parseReference, PATH_COMPONENT } from './reference.js'

// The part of containers-registries.conf(5) that resolves short names: [aliases] (Debian
// ships them in registries.conf.d/shortnames.conf) and unqualified-search-registries.
// Mirrors, blocking, insecure flags and credentials are skopeo's business.
export interface RegistriesConf {
  searchRegistries: string[]
  aliases: Map<string, string>
  // The files read, in order, for messages.
  files: string[]
}

export const SYSTEM_REGISTRIES_CONF = '/etc/containers/registries.conf'
export const SYSTEM_REGISTRIES_CONF_DIR = '/etc/containers/registries.conf.d'

type TomlValue = string | number | boolean | TomlValue[]

function confError (file: string, msg: string): PodctlError {
  return invalidArgument(`loading registries configuration "${file}": ${msg}`)
}

// The TOML registries.conf uses: comments, [table], [[array-table]], key = string | literal
// string | boolean | integer | (multi-line) array. Keys of tables other than the top level
// and [aliases] are parsed and ignored. Anything else is an error naming the file and line.
export function parseRegistriesToml (text: string, file: string): { top: Map<string, TomlValue>, aliases: Map<string, TomlValue> } {
  const top = new Map<string, TomlValue>()
  const aliases = new Map<string, TomlValue>()
  let table: Map<string, TomlValue> | null = top
  let i = 0
  let line = 1
  const fail = (msg: string): never => { throw confError(file, `line ${line}: ${msg}`) }
  const skipSpace = (newlines: boolean): void => {
    for (;;) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\r') i++
      else if (newlines && c === '\n') { i++; line++ }
      else if (c === '#') { while (i < text.length && text[i] !== '\n') i++ }
      else return
    }
  }
  const parseString = (): string => {
    const q = text[i]
    i++
    let out = ''
    for (;;) {
      const c = text[i]
      if (c === undefined || c === '\n') return fail('unterminated string')
      i++
      if (c === q) return out
      if (q === '"' && c === '\\') {
        const e = text[i++]
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' }
        if (e !== undefined && e in simple) out += simple[e]
        else if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8
          const hex = text.slice(i, i + n)
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail('bad unicode escape')
          out += String.fromCodePoint(parseInt(hex, 16))
          i += n
        } else fail('bad escape in string')
      } else out += c
    }
  }
  const parseKey = (): string => {
    if (text[i] === '"' || text[i] === '\'') return parseString()
    const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i))
    if (m === null) return fail('expected a key')
    i += m[0].length
    return m[0]
  }
  const parseValue = (): TomlValue => {
    const c = text[i]
    if (c === '"' || c === '\'') {
      if (text.startsWith(c.repeat(3), i)) return fail('multi-line strings are not supported')
      return parseString()
    }
    if (c === '[') {
      i++
      const arr: TomlValue[] = []
      for (;;) {
        skipSpace(true)
        if (text[i] === ']') { i++; return arr }
        arr.push(parseValue())
        skipSpace(true)
        if (text[i] === ',') { i++; continue }
        if (text[i] === ']') { i++; return arr }
        return fail('expected "," or "]" in array')
      }
    }
    const m = /^(true|false|[+-]?[0-9]+)(?=[\s#,\]]|$)/.exec(text.slice(i))
    if (m === null) return fail('unsupported value')
    i += m[0].length
    return m[0] === 'true' ? true : m[0] === 'false' ? false : Number(m[0])
  }
  for (;;) {
    skipSpace(true)
    if (i >= text.length) break
    if (text[i] === '[') {
      const arrayTable = text[i + 1] === '['
      i += arrayTable ? 2 : 1
      skipSpace(false)
      const names = [parseKey()]
      for (skipSpace(false); text[i] === '.'; skipSpace(false)) { i++; skipSpace(false); names.push(parseKey()) }
      if (text.slice(i, i + (arrayTable ? 2 : 1)) !== (arrayTable ? ']]' : ']')) fail('expected "]"')
      i += arrayTable ? 2 : 1
      table = !arrayTable && names.length === 1 && names[0] === 'aliases' ? aliases : null
    } else {
      const key = parseKey()
      skipSpace(false)
      if (text[i] !== '=') fail(`expected "=" after ${JSON.stringify(key)}`)
      i++
      skipSpace(false)
      const value = parseValue()
      if (table !== null) {
        if (table.has(key)) fail(`duplicate key ${JSON.stringify(key)}`)
        table.set(key, value)
      }
    }
    skipSpace(false)
    if (i < text.length && text[i] !== '\n') fail('expected the end of the line')
  }
  return { top, aliases }
}

// A search registry is a host[:port], optionally with a namespace path ("quay.io/org").
function checkSearchRegistry (file: string, v: TomlValue): string {
  const bad = (): PodctlError => confError(file, `invalid unqualified-search-registries entry ${JSON.stringify(v)}`)
  if (typeof v !== 'string') throw bad()
  const [host, ...ns] = v.split('/')
  if (host === undefined || !DOMAIN.test(host) || !ns.every(p => PATH_COMPONENT.test(p))) throw bad()
  return v
}

// An alias maps a short name (no registry, tag or digest) to a fully qualified repository.
function checkAlias (file: string, key: string, v: TomlValue): string {
  let k: ImageReference
  try { k = parseReference(key) } catch { throw confError(file, `invalid short name alias ${JSON.stringify(key)}`) }
  if (k.domain !== '' || k.tag !== undefined || k.digest !== undefined) throw confError(file, `invalid short name alias ${JSON.stringify(key)}: must be a short name without tag or digest`)
  if (typeof v !== 'string') throw confError(file, `alias ${JSON.stringify(key)}: value must be a string`)
  let r: ImageReference
  try { r = parseReference(v) } catch (err) { throw confError(file, `alias ${JSON.stringify(key)}: invalid value ${JSON.stringify(v)}: ${errorMessage(err)}`) }
  if (r.domain === '') throw confError(file, `alias ${JSON.stringify(key)}: value ${JSON.stringify(v)} must be fully qualified`)
  if (r.tag !== undefined || r.digest !== undefined) throw confError(file, `alias ${JSON.stringify(key)}: value ${JSON.stringify(v)} must not carry a tag or digest`)
  return v
}

// Folds the given files' texts in order: a later file's unqualified-search-registries
// replaces the earlier list, its aliases override single entries.
export function mergeRegistriesConf (sources: readonly { file: string, text: string }[]): RegistriesConf {
  const out: RegistriesConf = { searchRegistries: [], aliases: new Map(), files: [] }
  for (const { file, text } of sources) {
    const { top, aliases } = parseRegistriesToml(text, file)
    out.files.push(file)
    const search = top.get('unqualified-search-registries')
    if (search !== undefined) {
      if (!Array.isArray(search)) throw confError(file, 'unqualified-search-registries must be an array of strings')
      out.searchRegistries = search.map(v => checkSearchRegistry(file, v))
    }
    for (const [k, v] of aliases) out.aliases.set(k, checkAlias(file, k, v))
  }
  return out
}

// Reads registries.conf (CONTAINERS_REGISTRIES_CONF overrides the path, as for Podman and
// skopeo) and then registries.conf.d/*.conf in name order. Missing files are fine.
export function loadRegistriesConf (env: NodeJS.ProcessEnv = process.env, dir = SYSTEM_REGISTRIES_CONF_DIR): RegistriesConf {
  const main = env['CONTAINERS_REGISTRIES_CONF'] ?? SYSTEM_REGISTRIES_CONF
  const files = [main]
  try {
    files.push(...fs.readdirSync(dir).filter(f => f.endsWith('.conf')).sort().map(f => path.join(dir, f)))
  } catch { /* no drop-in dir */ }
  const sources: { file: string, text: string }[] = []
  for (const file of files) {
    try {
      sources.push({ file, text: fs.readFileSync(file, 'utf8') })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw confError(file, errorMessage(err))
    }
  }
  const conf = mergeRegistriesConf(sources)
  if (!conf.files.includes(main)) conf.files.unshift(main)
  return conf
}

// The fully qualified candidates for a name, in the order to try them: the name itself
// when it names a registry; else its alias; else one per search registry.
export function resolveCandidates (raw: string, conf: RegistriesConf): ImageReference[] {
  const ref = parseReference(raw)
  if (ref.domain !== '') return [normalizeDomain(ref)]
  const keep = { ...(ref.tag === undefined ? {} : { tag: ref.tag }), ...(ref.digest === undefined ? {} : { digest: ref.digest }) }
  const alias = conf.aliases.get(ref.path)
  if (alias !== undefined) return [normalizeDomain({ ...parseReference(alias), ...keep })]
  if (conf.searchRegistries.length === 0) {
    throw invalidArgument(`short-name "${raw}" did not resolve to an alias and no unqualified-search registries are defined in "${conf.files[0] ?? SYSTEM_REGISTRIES_CONF}"`)
  }
  return conf.searchRegistries.map(reg => {
    const [domain, ...ns] = reg.split('/')
    return normalizeDomain({ domain: domain!, path: [...ns, ref.path].join('/'), ...keep })
  })
}
