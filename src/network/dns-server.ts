import fs from 'node:fs'
import path from 'node:path'

import type { NetworkConfig } from './cni-config.js'

// Where the dnsname plugin keeps each network's dnsmasq (host-wide, as Podman's CNI backend).
export const DNSNAME_DIR = '/run/containers/cni/dnsname'

const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

export function hasDns (net: NetworkConfig): boolean {
  return net.plugins.some(p => p.type === 'dnsname')
}

// Stops the network's dnsmasq and removes its files. dnsname does this itself when its
// last container leaves; this is for what a crash left behind. The PID in the pidfile is
// signalled only when that process runs dnsmasq with this network's config (never a
// recycled PID). Idempotent: nothing there is success.
export function stopDnsServer (network: string, dir = DNSNAME_DIR): void {
  if (!NETWORK_NAME.test(network)) return
  const netDir = path.join(dir, network)
  let pid: number | undefined
  try {
    pid = Number(fs.readFileSync(path.join(netDir, 'pidfile'), 'utf8').trim())
  } catch {
    pid = undefined
  }
  if (pid !== undefined && Number.isSafeInteger(pid) && pid > 1) {
    let cmdline = ''
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    } catch {
      cmdline = ''
    }
    if (cmdline.split('\0').includes(`--conf-file=${path.join(netDir, 'dnsmasq.conf')}`)) {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {
        // gone meanwhile
      }
    }
  }
  fs.rmSync(netDir, { recursive: true, force: true })
}
