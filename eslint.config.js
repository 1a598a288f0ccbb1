// Lint: typescript-eslint (with type-aware rules on src/ and cmd/) plus the layer rules
// that keep the architecture: every import runs down the LAYERS table, src/cli sees only
// the library facade (src/index.ts), and tests never import bench/.
import tseslint from 'typescript-eslint'

// Lowest first. A module may import its own layer and the ones before it, never after.
// Top-level files of src/ are named with .js, folders without.
const LAYERS = [
  ['errors.js', 'ids.js', 'config.js', 'log.js', 'libc.js', 'exit-policy.js', 'model.js', 'concurrency', 'process'],
  ['graph'],
  ['state'],
  ['host.js'],
  ['runtime'],
  ['storage'],
  ['images'],
  ['network'],
  ['logs'],
  ['containers'],
  ['pods', 'targets'],
  ['removal'],
  ['views', 'check'],
  ['session.js', 'index.js'],
  ['cli'],
]

const rank = new Map(LAYERS.flatMap((names, i) => names.map(n => [n, i])))
const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const asImport = n => n.endsWith('.js') ? escape(n) + '$' : escape(n) + '/'

// From a file directly in src/<unit>/ (depth 1) or src/ itself (depth 0): the relative
// import prefixes that reach the units above it.
// Every module but the process runner is also kept from spawning processes itself.
function upwardPatterns (unit, depth, noSpawn = true) {
  const above = [...rank].filter(([, r]) => r > rank.get(unit)).map(([n]) => asImport(n))
  const up = depth === 0 ? '\\./' : '(\\.\\./)+'
  return [
    ...(above.length === 0 ? [] : [{ regex: `^${up}(${above.join('|')})`, message: `${unit} may only import layers at or below its own (see LAYERS in eslint.config.js)` }]),
    ...(noSpawn ? [NO_SPAWN] : []),
  ]
}

function layerRule (files, patterns) {
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } }
}

const NO_SPAWN = { regex: '^(node:)?child_process$', message: 'external commands go through src/process/run-process.ts' }

const layerRules = [...rank.keys()].filter(n => n !== 'cli').map(n => n.endsWith('.js')
  ? layerRule([`src/${n.replace(/\.js$/, '.ts')}`], upwardPatterns(n, 0))
  : layerRule([`src/${n}/**/*.ts`], upwardPatterns(n, 1)))


export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'cmd/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // tsc reports unused locals and parameters (noUnusedLocals/noUnusedParameters).
  { rules: { '@typescript-eslint/no-unused-vars': 'off', 'prefer-const': ['error', { ignoreReadBeforeAssign: true }] } },
  ...layerRules,
  // The CLI never reads the state store itself, and only the process runner spawns.
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='store']", message: 'src/cli never touches the state store: call a library function' }] },
  },
  // The process runner is the one module that may spawn.
  layerRule(['src/process/run-process.ts'], upwardPatterns('process', 1, false)),
  // The CLI sees the library only through its facade.
  layerRule(['src/cli/*.ts'], [NO_SPAWN, { regex: '^\\.\\./(?!index\\.js$)', message: 'src/cli imports only the library facade (src/index.ts) and its own files' }]),
  layerRule(['src/cli/commands/*.ts'], [
    NO_SPAWN,
    { regex: '^\\.\\./\\.\\./(?!index\\.js$)', message: 'src/cli imports only the library facade (src/index.ts) and its own files' },
    { regex: '^\\./(?!index\\.js$)', message: 'commands never import each other; share code through src/cli/*.ts' },
  ]),
  layerRule(['src/cli/commands/index.ts'], [NO_SPAWN, { regex: '^\\.\\./\\.\\./(?!index\\.js$)', message: 'src/cli imports only the library facade (src/index.ts) and its own files' }]),
  layerRule(['cmd/**/*.ts'], [{ regex: '^\\.\\./src/(?!cli/)', message: 'cmd/ only starts the CLI' }]),
  layerRule(['test/**/*.ts'], [{ regex: '(^|/)bench/', message: 'tests never import bench/: shared helpers live in test/support/' }]),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', 'eslint.config.js'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
