import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

// podctl's per-network NAT chains (PODCTL-…, iptables and ip6tables) whose jump comment
// names a conflist under `dir`: every network of a temp root. Removes them (one
// iptables-restore per family) and returns them.
export function removeNatChainsUnder (dir: string): string[] {
  return [...removeFamilyChainsUnder('iptables', dir), ...removeFamilyChainsUnder('ip6tables', dir)]
}

function removeFamilyChainsUnder (cmd: 'iptables' | 'ip6tables', dir: string): string[] {
  const listing = execFileSync(cmd, ['-t', 'nat', '-S'], { encoding: 'utf8', timeout: 30_000 }).split('\n')
  const jumps = listing.filter(l => /^-A POSTROUTING .* -j PODCTL-[0-9a-f]+$/.test(l) && l.includes(` file ${dir}/`))
  const chains = [...new Set(jumps.map(l => /-j (PODCTL-[0-9a-f]+)$/.exec(l)![1]!))]
  if (chains.length === 0) return []
  const lines = ['*nat', ...jumps.map(l => `-D ${l.slice(3)}`), ...chains.flatMap(c => listing.includes(`-N ${c}`) ? [`-F ${c}`, `-X ${c}`] : []), 'COMMIT', '']
  execFileSync(`${cmd}-restore`, ['--noflush'], { input: lines.join('\n'), timeout: 30_000 })
  return chains
}

// True when a conflist lies under dir (a few levels down): only then can a test's
// networks have left NAT chains behind.
export function hasConflist (dir: string, depth = 3): boolean {
  let entries: fs.Dirent[]
  try { entries = fs.readdirSync(dir, { withFileTypes: true }) } catch { return false }
  return entries.some(e => (e.isFile() && e.name.endsWith('.conflist')) || (e.isDirectory() && depth > 0 && hasConflist(path.join(dir, e.name), depth - 1)))
}
