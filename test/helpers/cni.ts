import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Logger } from '../../src/log.js'
import { CNIEnv } from '../../src/network/index.js'
import { stopDnsServer } from '../../src/network/dns-server.js'
import { DNSNAME_LOCK_DIR } from '../../src/network/plugin-chain.js'
import type { CniPaths } from '../../src/network/index.js'
import { listPortmapChains } from '../../src/network/portmap-rules.js'
import { removeNatChainsUnder } from './nat-cleanup.js'

export const PLUGIN_DIRS = ['/usr/lib/cni']

// Temp CNI config dir, cache dir and runroot, plus every host link a test made.
export interface CniSandbox {
  dir: string
  paths: CniPaths
  // PODCTL_* variables pointing the CLI at this sandbox.
  env: NodeJS.ProcessEnv
  warnings: string[]
  log: Logger
  // A unique name fit for an interface: prefix + 6 hex chars, tracked for deletion.
  link: (prefix?: string) => string
  cniEnv: (opts?: { lockTimeoutMs?: number }) => CNIEnv
  // A unique network name whose leftover NAT rules cleanup removes; `exact` tracks a given name.
  net: (prefix?: string, exact?: string) => string
}

export function uniqueName (prefix = 'pt'): string {
  return `${prefix}${randomBytes(3).toString('hex')}`
}

// A random /24 in 10.100.0.0-10.199.255.0, away from Podman's 10.88/10.89 pools.
export function randomSubnet (): string {
  const b = randomBytes(2)
  return `10.${100 + (b[0]! % 100)}.${b[1]!}.0/24`
}

export function ip (args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })
}

export function linkExists (name: string): boolean {
  return fs.existsSync(path.join('/sys/class/net', name))
}

// Runs fn in a fresh sandbox; afterwards unmounts and removes leftover netns files,
// deletes the links it named and removes the temp dir, also when fn throws.
export async function withCniSandbox<T> (fn: (s: CniSandbox) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podctl-cni-'))
  const links = new Set<string>()
  const nets = new Set<string>()
  const warnings: string[] = []
  const log: Logger = { debug () {}, info () {}, warn (m) { warnings.push(m) }, error (m) { warnings.push(m) } }
  const paths: CniPaths = {
    cniConfigDir: path.join(dir, 'net.d'),
    cniCacheDir: path.join(dir, 'cache'),
    runroot: path.join(dir, 'run'),
    cniPluginDirs: PLUGIN_DIRS,
  }
  const sandbox: CniSandbox = {
    dir, paths, warnings, log,
    env: {
      PODCTL_ROOT: path.join(dir, 'root'),
      PODCTL_RUNROOT: paths.runroot,
      PODCTL_CNI_CONFIG_DIR: paths.cniConfigDir,
      PODCTL_CNI_CACHE_DIR: paths.cniCacheDir,
      PODCTL_CNI_PLUGIN_DIR: PLUGIN_DIRS.join(':'),
    },
    link: (prefix = 'pt') => { const n = uniqueName(prefix); links.add(n); return n },
    cniEnv: (opts = {}) => new CNIEnv({ config: paths, log, ...opts }),
    net: (prefix = 'net', exact) => { const n = exact ?? uniqueName(prefix); nets.add(n); return n },
  }
  try {
    return await fn(sandbox)
  } finally {
    cleanupSandbox(dir, paths, links, nets)
  }
}

function cleanupSandbox (dir: string, paths: CniPaths, links: Set<string>, nets: Set<string>): void {
  try { removeNatRules(nets) } catch { /* best effort */ }
  try { removeNatChainsUnder(dir) } catch { /* best effort */ }
  // A network whose containers were never detached (leak and crash scenarios) keeps its
  // dnsmasq: stopped here by the PID its pidfile names, with its lock dir.
  for (const n of nets) {
    try { stopDnsServer(n) } catch { /* best effort */ }
    fs.rmSync(path.join(DNSNAME_LOCK_DIR, n), { recursive: true, force: true })
  }
  const nsDir = path.join(paths.runroot, 'netns')
  for (const f of fs.existsSync(nsDir) ? fs.readdirSync(nsDir) : []) {
    try { execFileSync('umount', ['-l', path.join(nsDir, f)], { stdio: 'ignore', timeout: 10_000 }) } catch { /* not mounted */ }
  }
  for (const l of links) {
    if (linkExists(l)) {
      try { ip(['link', 'del', l]) } catch { /* raced away */ }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

// host-local's allocation files for a network: IP-named files, without its bookkeeping.
export function ipamAllocations (paths: CniPaths, network: string): string[] {
  const d = path.join(paths.cniCacheDir, 'networks', network)
  if (!fs.existsSync(d)) return []
  return fs.readdirSync(d).filter(f => f !== 'lock' && !f.startsWith('last_reserved_ip')).sort()
}

export function netnsFiles (paths: CniPaths): string[] {
  const d = path.join(paths.runroot, 'netns')
  return fs.existsSync(d) ? fs.readdirSync(d) : []
}

export function cacheEntries (paths: CniPaths): string[] {
  const d = path.join(paths.cniCacheDir, 'results')
  return fs.existsSync(d) ? fs.readdirSync(d) : []
}

// Interfaces enslaved to a bridge on the host.
export function bridgePorts (bridge: string): string[] {
  if (!linkExists(bridge)) return []
  return (JSON.parse(ip(['-j', 'link', 'show', 'master', bridge]) || '[]') as { ifname: string }[]).map(l => l.ifname)
}

// Addresses of `ifname` inside the netns bind-mounted at `file`.
export function addressesInNetns (file: string, ifname: string): string[] {
  const out = execFileSync('nsenter', [`--net=${file}`, 'ip', '-j', 'addr', 'show', 'dev', ifname], { encoding: 'utf8', timeout: 30_000 })
  const links = JSON.parse(out) as { addr_info: { family: string, local: string, prefixlen: number }[] }[]
  return links.flatMap(l => l.addr_info.filter(a => a.family === 'inet').map(a => `${a.local}/${a.prefixlen}`))
}

// A plugin dir of wrappers that log "<CNI_COMMAND> <plugin> <CNI_IFNAME> <CNI_CONTAINERID>"
// to logFile and then run the real plugin; `extra` adds fixture plugins (name → script body).
export function makeLoggingPluginDir (dir: string, logFile: string, extra: Record<string, string> = {}): string {
  const pdir = path.join(dir, 'plugins')
  fs.mkdirSync(pdir, { recursive: true })
  for (const name of ['bridge', 'macvlan', 'ipvlan', 'host-local', 'portmap', 'loopback', 'tuning']) {
    fs.writeFileSync(path.join(pdir, name), `#!/bin/sh\necho "$CNI_COMMAND ${name} $CNI_IFNAME $CNI_CONTAINERID" >> '${logFile}'\nexec ${PLUGIN_DIRS[0]}/${name}\n`, { mode: 0o755 })
  }
  for (const [name, body] of Object.entries(extra)) fs.writeFileSync(path.join(pdir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  return pdir
}

export function readLog (logFile: string): string[] {
  return fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []
}

// Names of the links inside a netns file.
export function linksInNetns (file: string): string[] {
  const out = execFileSync('nsenter', [`--net=${file}`, 'ip', '-j', 'link'], { encoding: 'utf8', timeout: 30_000 })
  return (JSON.parse(out) as { ifname: string }[]).map(l => l.ifname).sort()
}

// NAT rules the bridge plugin made for a network (its ipMasq rules carry the network name).
export function natRulesFor (network: string): string[] {
  const out = execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8', timeout: 30_000 })
  return out.split('\n').filter(l => l.includes(`name: \\"${network}\\"`))
}

// Removes masquerade rules and chains left for the given networks (after a failed test).
export function removeNatRules (networks: Iterable<string>): void {
  const names = [...networks]
  if (names.length === 0) return
  const listing = execFileSync('iptables', ['-w', '-t', 'nat', '-L', 'POSTROUTING', '-n', '--line-numbers'], { encoding: 'utf8', timeout: 30_000 })
  const hits = listing.split('\n').filter(l => names.some(n => l.includes(`name: "${n}"`)))
  const rows = hits.map(l => l.trim().split(/\s+/)).map(f => ({ num: Number(f[0]), chain: f[1]! })).sort((a, b) => b.num - a.num)
  for (const r of rows) execFileSync('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', String(r.num)], { timeout: 30_000 })
  for (const chain of new Set(rows.map(r => r.chain).filter(c => c.startsWith('CNI-')))) {
    execFileSync('iptables', ['-w', '-t', 'nat', '-F', chain], { timeout: 30_000 })
    execFileSync('iptables', ['-w', '-t', 'nat', '-X', chain], { timeout: 30_000 })
  }
}

export { removeNatChainsUnder } from './nat-cleanup.js'

// The PODCTL- chain names and POSTROUTING jumps (as -S prints them) of one network.
export function natStateFor (network: string): { chains: string[], jumps: string[] } {
  const listing = execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8', timeout: 30_000 }).split('\n')
  const jumps = listing.filter(l => l.startsWith('-A POSTROUTING ') && l.includes(`podctl network ${network} file `))
  const chains = [...new Set(jumps.map(l => /-j (PODCTL-[0-9a-f]+)$/.exec(l)?.[1] ?? ''))].filter(c => c !== '' && listing.includes(`-N ${c}`))
  return { chains, jumps }
}

// Turns a network podctl just created into one as older podctl wrote them: the bridge
// plugin masquerades per container (ipMasq true) and podctl keeps no NAT chain for it.
export async function createLegacyMasqNetwork (env: CNIEnv, opts: { name: string, subnets: string[], interfaceName: string }): Promise<void> {
  await env.create(opts)
  const file = path.join(env.config.cniConfigDir, `podctl-${opts.name}.conflist`)
  const conf = JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins: Record<string, unknown>[], args: { podctl: Record<string, unknown> } }
  conf.plugins[0]!['ipMasq'] = true
  delete conf.args.podctl['nat']
  removeNatChainsOf(opts.name)
  fs.writeFileSync(file, JSON.stringify(conf, null, 2))
}

export function removeNatChainsOf (network: string): void {
  const { chains, jumps } = natStateFor(network)
  if (jumps.length === 0 && chains.length === 0) return
  const lines = ['*nat', ...jumps.map(l => `-D ${l.slice(3)}`), ...chains.flatMap(c => [`-F ${c}`, `-X ${c}`]), 'COMMIT', '']
  execFileSync('iptables-restore', ['--noflush'], { input: lines.join('\n'), timeout: 30_000 })
}

// PODCTL- chains whose jump names a conflist under `dir` that no longer exists: the NAT
// of a removed network, a leak (as "<network>:<chain>").
export function natChainsOfRemovedNetworks (dir: string): string[] {
  const listing = ['iptables', 'ip6tables'].flatMap(cmd => execFileSync(cmd, ['-t', 'nat', '-S'], { encoding: 'utf8', timeout: 30_000 }).split('\n'))
  return listing.flatMap(l => {
    const m = /^-A POSTROUTING .*--comment "podctl network (\S+) file ([^"]+)" -j (PODCTL-[0-9a-f]+)$/.exec(l)
    return m !== null && m[2]!.startsWith(`${dir}/`) && !fs.existsSync(m[2]!) ? [`${m[1]}:${m[3]}`] : []
  })
}

// portmap's CNI-DN- chains (iptables and ip6tables) of the given networks: entered by a
// rule whose comment names one of them, or without an entry rule and with a hairpin rule
// for one of the subnets. As "<network>:<container> <chain>" or "<chain> (no entry rule)".
export async function portmapChainsOn (networks: ReadonlySet<string>, subnets: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = []
  for (const family of [4, 6] as const) {
    for (const c of await listPortmapChains(family)) {
      const owner = c.entries.find(e => e.network !== undefined && networks.has(e.network))
      if (owner !== undefined) out.push(`${owner.network}:${(owner.containerId ?? '?').slice(0, 12)} ${c.name}`)
      else if (c.entries.length === 0 && c.sources.some(s => subnets.has(s))) out.push(`${c.name} (no entry rule)`)
    }
  }
  return out
}
