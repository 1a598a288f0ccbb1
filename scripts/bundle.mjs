// Bundles the compiled CLI (dist/cmd/podctl.js) into a single file, dist/podctl.mjs (the
// `podctl` bin). One file loads far faster than ~300 ES modules (yargs alone is ~50):
// about half of podctl's startup CPU time.
// The native addons (better-sqlite3, koffi) stay external and load from node_modules.
import fs from 'node:fs'
import path from 'node:path'

import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
const dist = path.join(root, 'dist')
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'koffi'],
  // yargs and its helpers still call require() for a few node: builtins.
  banner: { js: "import { createRequire as __podctlCreateRequire } from 'node:module'; const require = __podctlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
}
await build({ ...common, entryPoints: [path.join(dist, 'cmd/podctl.js')], outfile: path.join(dist, 'podctl.mjs') })
fs.chmodSync(path.join(dist, 'podctl.mjs'), 0o755)
