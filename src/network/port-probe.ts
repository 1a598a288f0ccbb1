import dgram from 'node:dgram'
import net from 'node:net'

import { invalidArgument } from '../errors.js'
import type { PortMapping } from './port-mapping.js'

// Refuses a host port some host process holds, in Podman's words. (The portmap plugin's
// DNAT would silently shadow it for outside traffic.) Binds and closes at once.
export async function checkPortsFree (ports: readonly PortMapping[]): Promise<void> {
  for (const p of ports) {
    const host = p.hostIp === '' ? '0.0.0.0' : p.hostIp
    const err = await (p.protocol === 'tcp' ? probeTcp(host, p.hostPort) : probeUdp(host, p.hostPort))
    if (err?.code === 'EADDRINUSE') {
      const fam = host.includes(':') ? '6' : '4'
      throw invalidArgument(`cannot listen on the ${p.protocol.toUpperCase()} port: listen ${p.protocol}${fam} ${p.hostIp === '' ? '' : host}:${p.hostPort}: bind: address already in use`)
    }
  }
}

function probeTcp (host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise(resolve => {
    const srv = net.createServer()
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e))
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(undefined)))
  })
}

function probeUdp (host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise(resolve => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
    sock.once('error', (e: NodeJS.ErrnoException) => { sock.close(); resolve(e) })
    sock.bind({ address: host, port, exclusive: true }, () => sock.close(() => resolve(undefined)))
  })
}
