// Bundles the compiled CLI (dist/cmd/podctl.js) into dist/podctl.mjs (the `podctl` bin) and
// dist/chunks/: one file loads far faster than ~300 ES modules (yargs alone is ~50), and
// code splitting puts each command's module (a dynamic import in src/cli/commands/index.ts)
// and what only it uses into chunks of their own, so a run compiles only what it needs.
// The native addons stay external and load from node_modules: koffi whole, better-sqlite3's
// .node file only (src/state/sqlite.ts loads it by path; its JavaScript is bundled).
import fs from 'node:fs'
import { isBuiltin } from 'node:module'
import path from 'node:path'

import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
const dist = path.join(root, 'dist')

// esbuild splits code by file: a file goes into the chunk shared by every entry that reaches
// it by an import, used or not. The CLI imports the library through its facade
// (src/index.ts), which re-exports every module, so every command would reach, and load,
// the whole library. The facade holds named re-exports only, so each CLI import from it
// is rewritten here into imports from the modules that define those names.
const facade = path.join(dist, 'src/index.js')
function facadeExports () {
  const map = new Map()
  for (const m of fs.readFileSync(facade, 'utf8').matchAll(/^export \{([^}]*)\} from '([^']+)';$/gm)) {
    for (const name of m[1].split(',').map(n => n.trim()).filter(Boolean)) {
      if (/\s/.test(name)) throw new Error(`bundle: ${facade}: renamed re-export "${name}" is not supported`)
      map.set(name, path.join(path.dirname(facade), m[2]))
    }
  }
  return map
}
const bypassFacade = {
  name: 'bypass-facade',
  setup (b) {
    const exports = facadeExports()
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]cli[\\/].*\.js$/ }, args => {
      const text = fs.readFileSync(args.path, 'utf8').replace(/^import \{([^}]*)\} from '((?:\.\.\/)+)index\.js';$/gm, (all, names, up) => {
        if (path.resolve(path.dirname(args.path), `${up}index.js`) !== facade) return all
        const bySource = new Map()
        for (const name of names.split(',').map(n => n.trim()).filter(Boolean)) {
          const source = exports.get(name)
          if (source === undefined) throw new Error(`bundle: ${args.path} imports ${name}, which the facade does not re-export by name`)
          bySource.set(source, [...(bySource.get(source) ?? []), name])
        }
        return [...bySource].map(([source, ns]) => `import { ${ns.join(', ')} } from '${path.relative(path.dirname(args.path), source).replace(/^(?!\.)/, './')}';`).join('\n')
      })
      return { contents: text, loader: 'js' }
    })
  },
}

// string-width (yargs' help layout, through cliui and wrap-ansi) builds an Intl.Segmenter and
// Unicode-property regexes when it is imported: tens of ms of ICU set-up on every run, for
// a function only help text calls. Each becomes a value built on first use.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup (b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](.*[\\/])?string-width[\\/]index\.js$/ }, args => {
      let text = fs.readFileSync(args.path, 'utf8')
      const names = []
      text = text.replace(/^const (\w+) = (new Intl\.Segmenter\(\)|\/.*\\p\{.*\/[a-z]*);$/gm, (_, name, value) => {
        names.push(name)
        return `let ${name}$lazy; const ${name}$get = () => (${name}$lazy ??= ${value});`
      })
      if (names.length === 0) console.warn(`bundle: ${args.path}: no eager Segmenter or \\p{} regex found to defer (string-width changed?)`)
      for (const name of names) text = text.replace(new RegExp(`(?<![.\\w$])${name}(?![\\w$:])(?!\\$)`, 'g'), `${name}$get()`)
      return { contents: text, loader: 'js' }
    })
  },
}

// An ES module import of a Node builtin (`import fs from 'node:fs'`) makes Node read every
// export of it, lazy ones included: fs alone then loads fs/promises, streams and readline.
// Each builtin is required instead (the banner's require), and read where it is used.
// yargs' platform shim imports node:assert for two checks it makes while parsing; node:assert
// is not in Node's start-up snapshot, so importing it compiles its internals (about 5 ms)
// on every run. The two functions load it on their first call instead.
const lazyYargsAssert = {
  name: 'lazy-yargs-assert',
  setup (b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, args => {
      const text = fs.readFileSync(args.path, 'utf8')
      const eager = "import { notStrictEqual, strictEqual } from 'assert'"
      if (!text.includes(eager)) {
        console.warn(`bundle: ${args.path}: no eager node:assert import found to defer (yargs changed?)`)
        return { contents: text, loader: 'js' }
      }
      const lazy = "const notStrictEqual = (...a) => process.getBuiltinModule('node:assert').notStrictEqual(...a)\n" +
        "const strictEqual = (...a) => process.getBuiltinModule('node:assert').strictEqual(...a)"
      return { contents: text.replace(eager, lazy), loader: 'js' }
    })
  },
}

const builtinsByRequire = {
  name: 'builtins-by-require',
  setup (b) {
    b.onResolve({ filter: /^[a-z][a-z_/:]*$/ }, args => {
      if (!isBuiltin(args.path)) return undefined
      if (args.namespace === 'node-builtin') return { path: args.path, external: true }
      return { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' }
    })
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, args => ({ contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)})`, loader: 'js' }))
  },
}

// A new build replaces every chunk of the last one.
fs.rmSync(path.join(dist, 'chunks'), { recursive: true, force: true })
const result = await build({
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // bindings: better-sqlite3's addon lookup, never reached (the addon is passed in).
  external: ['koffi', 'bindings'],
  // yargs and its helpers still call require() for a few node: builtins.
  banner: { js: "import { createRequire as __podctlCreateRequire } from 'node:module'; const require = __podctlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  entryPoints: { podctl: path.join(dist, 'cmd/podctl.js') },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  metafile: true,
  plugins: [bypassFacade, lazyStringWidth, lazyYargsAssert, builtinsByRequire],
})
// PODCTL_BUNDLE_META=FILE writes esbuild's metafile (which chunk holds what) for inspection.
if (process.env.PODCTL_BUNDLE_META) fs.writeFileSync(process.env.PODCTL_BUNDLE_META, JSON.stringify(result.metafile))
fs.chmodSync(path.join(dist, 'podctl.mjs'), 0o755)
