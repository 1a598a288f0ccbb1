#!/usr/bin/env node
// Runs every test/**/*.test.ts in its own process under tsx: unit files two at a time,
// files under test/integration/ one at a time (they drive real runc/CNI as root).
// Prints a final "N passed, N failed" line; exits 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
const unitOnly = args.includes('--unit')
const filters = args.filter(a => !a.startsWith('--'))
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const FILE_TIMEOUT_MS = 15 * 60 * 1000

function walk (dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? walk(p) : e.name.endsWith('.test.ts') ? [p] : []
  }).sort()
}

const all = walk(path.join(root, 'test')).filter(f => filters.length === 0 || filters.some(x => f.includes(x)))
const isIntegration = f => f.includes(`${path.sep}integration${path.sep}`)
const unit = all.filter(f => !isIntegration(f))
const integration = unitOnly ? [] : all.filter(isIntegration)

const strip = s => s.replace(/\x1b\[[0-9;]*m/g, '')
let passed = 0; let failed = 0; let skipped = 0
const failures = []

function runFile (file) {
  return new Promise(resolve => {
    const rel = path.relative(root, file)
    const started = Date.now()
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } })
    let out = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { out += d })
    const timer = setTimeout(() => { out += `\n[run-tests] ${rel} timed out after ${FILE_TIMEOUT_MS} ms\n`; child.kill('SIGKILL') }, FILE_TIMEOUT_MS)
    child.on('close', code => {
      clearTimeout(timer)
      const text = strip(out)
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN)
      const ok = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN)
      const sk = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0)
      let p = 0; let f = 0
      if (Number.isNaN(total) || Number.isNaN(ok)) { f = 1 } else { p = ok; f = total - ok - sk }
      if (code !== 0 && f === 0) f = 1
      passed += p; failed += f; skipped += sk
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      console.log(`${f === 0 ? 'ok  ' : 'FAIL'} ${rel}  (${p} passed, ${f} failed${sk ? `, ${sk} skipped` : ''}, ${secs}s)`)
      if (f !== 0 || process.env.VERBOSE === '1') { failures.push(rel); console.log(text.split('\n').map(l => '    ' + l).join('\n')) }
      resolve()
    })
  })
}

async function pool (files, width) {
  const queue = [...files]
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length > 0) await runFile(queue.shift())
  }))
}

// Tests share the host-global default bridge (podctl0) of the default network; remove it
// afterwards if this run created it.
const hadDefaultBridge = fs.existsSync('/sys/class/net/podctl0')
await pool(unit, 2)
await pool(integration, 1)
if (!hadDefaultBridge && fs.existsSync('/sys/class/net/podctl0')) spawnSync('ip', ['link', 'del', 'podctl0'], { stdio: 'ignore' })
if (failures.length > 0) console.log(`\nfailed files:\n${failures.map(f => '  ' + f).join('\n')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exitCode = failed === 0 && skipped === 0 && passed > 0 ? 0 : 1
