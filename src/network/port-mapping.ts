// A published port (-p [ip:]host:container[/proto]) as podctl records it.
export interface PortMapping { hostIp: string, hostPort: number, containerPort: number, protocol: 'tcp' | 'udp' }

// The portmap plugin's runtimeConfig.portMappings entries (CNI conventions field names).
export function cniPortMappings (ports: readonly PortMapping[]): Record<string, unknown>[] {
  return ports.map(p => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostIp === '' ? {} : { hostIP: p.hostIp }) }))
}

// The capability args one attachment passes to plugins; undefined without ports.
export function portCapabilityArgs (ports: readonly PortMapping[] | undefined): Record<string, unknown> | undefined {
  return ports === undefined || ports.length === 0 ? undefined : { portMappings: cniPortMappings(ports) }
}

const isAny = (ip: string): boolean => ip === '' || ip === '0.0.0.0' || ip === '::'

// Two mappings want the same host socket: same protocol and port, and the same address
// or either one on all addresses.
export function portsClash (a: PortMapping, b: PortMapping): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (isAny(a.hostIp) || isAny(b.hostIp) || a.hostIp === b.hostIp)
}

// Podman's ps PORTS text: 0.0.0.0:8080->80/tcp, 127.0.0.1:53->53/udp.
export function formatPorts (ports: readonly PortMapping[]): string {
  return ports.map(p => `${p.hostIp === '' ? '0.0.0.0' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ')
}

// inspect's NetworkSettings.Ports / HostConfig.PortBindings: "80/tcp" → [{HostIp, HostPort}].
export function portBindings (ports: readonly PortMapping[]): Record<string, { HostIp: string, HostPort: string }[]> {
  const out: Record<string, { HostIp: string, HostPort: string }[]> = {}
  for (const p of ports) (out[`${p.containerPort}/${p.protocol}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) })
  return out
}

export function isPortMapping (v: unknown): v is PortMapping {
  const p = v as PortMapping
  return typeof v === 'object' && v !== null && typeof p.hostIp === 'string' && Number.isInteger(p.hostPort) && Number.isInteger(p.containerPort) && (p.protocol === 'tcp' || p.protocol === 'udp')
}
