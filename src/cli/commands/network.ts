import { CNIEnv, DRIVERS, inspectNetwork, invalidArgument, NETWORK_PRUNE_FILTERS, parseNetworkFilters, removeUsingContainers, renderTemplate } from '../../index.js'
import type { CreateNetworkOptions, Driver, NetworkInspect } from '../../index.js'
import type { Args, PodctlCommand, PodctlGroup } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import { strings } from '../removal-flags.js'
import { renderJson, renderLines, renderTable } from '../render.js'
import { existsCommand } from '../exists-command.js'

// k=v pairs (labels, -o options); a bare key means an empty value.
export function parseKeyValues (raw: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of raw) {
    const i = item.indexOf('=')
    const k = i < 0 ? item : item.slice(0, i)
    if (k === '') throw invalidArgument(`invalid ${what} ${JSON.stringify(item)}: must be key=value`)
    out[k] = i < 0 ? '' : item.slice(i + 1)
  }
  return out
}

const create: PodctlCommand = {
  command: 'create [name]',
  describe: 'Create a network',
  examples: [['podctl network create --subnet 10.90.0.0/24 web', 'a bridge network with a chosen subnet'], ['podctl network create --ipv6 dual', 'a dual-stack network (an IPv4 /24 and a random fd00::/8 /64)'], ['podctl network create -d macvlan -o parent=eth0 lan', 'a macvlan network on eth0']],
  builder: y => y
    .positional('name', { type: 'string', describe: 'Network name (picked when omitted)' })
    .option('driver', { alias: 'd', type: 'string', default: 'bridge', describe: `Driver: ${DRIVERS.join(', ')}` })
    .option('subnet', { type: 'string', describe: 'Subnet in CIDR format' })
    .option('gateway', { type: 'string', describe: 'IPv4 or IPv6 gateway for the subnet' })
    .option('ip-range', { type: 'string', describe: 'Allocate container IPs from this range (CIDR inside the subnet)' })
    .option('ipv6', { type: 'boolean', default: false, describe: 'Enable IPv6 (dual stack) networking: adds an IPv4 or IPv6 subnet when --subnet gave none of that family' })
    .option('internal', { type: 'boolean', default: false, describe: 'Restrict external access from this network' })
    .option('disable-dns', { type: 'boolean', default: false, describe: 'Disable name resolution between containers on this network (dnsname)' })
    .option('label', { type: 'string', describe: 'Set metadata on a network (key=value)' })
    .option('opt', { alias: 'o', type: 'string', describe: 'Driver options: parent=IF, mode=, mtu=' })
    .option('interface-name', { type: 'string', describe: 'Name of the bridge interface (parent for macvlan/ipvlan)' }),
  async run (ctx, argv) {
    const driver = String(argv['driver'])
    if (!(DRIVERS as readonly string[]).includes(driver)) throw invalidArgument(`unsupported driver ${driver}: must be one of ${DRIVERS.join(', ')}`)
    const opts: CreateNetworkOptions = {
      driver: driver as Driver,
      subnets: strings(argv['subnet']),
      gateways: strings(argv['gateway']),
      ipRanges: strings(argv['ip-range']),
      internal: argv['internal'] === true,
      ...(argv['ipv6'] === true ? { ipv6: true } : {}),
      ...(argv['disable-dns'] === true ? { dns: false } : {}),
      labels: parseKeyValues(strings(argv['label']), 'label'),
      options: parseKeyValues(strings(argv['opt']), 'option'),
    }
    if (argv['name'] !== undefined) opts.name = String(argv['name'])
    if (argv['interface-name'] !== undefined) opts.interfaceName = String(argv['interface-name'])
    const net = await CNIEnv.fromHost(ctx).create(opts)
    return { stdout: renderLines([net.name]) }
  },
}

const ls: PodctlCommand = {
  command: 'ls',
  aliases: ['list'],
  describe: 'List networks',
  examples: [['podctl network ls --filter driver=bridge --format json', 'bridge networks as JSON']],
  builder: y => y
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Display only names' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Do not truncate the network ID' })
    .option('filter', { alias: 'f', type: 'string', describe: 'Provide filter values (repeatable): name, id, driver, label, label!, until' })
    .option('noheading', { alias: 'n', type: 'boolean', default: false, describe: 'Do not print headers' })
    .option('format', FORMAT_OPTION),
  async run (ctx, argv) {
    const filter = parseNetworkFilters(strings(argv['filter']))
    const nets = (await CNIEnv.fromHost(ctx).list()).map(inspectNetwork).filter(filter).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    if (wantsJson(argv)) return { stdout: renderJson(nets) }
    if (argv['format'] !== undefined) {
      const format = argv['noheading'] === true ? String(argv['format']).replace(/^table\s+/, '') : String(argv['format'])
      return { stdout: renderTemplate(format, nets.map(n => toNetworkView(n, argv['no-trunc'] !== true)), { name: 'network ls', typeName: 'network.ListPrintReports', headers: { ID: 'NETWORK ID' } }) }
    }
    if (argv['quiet'] === true) return { stdout: renderLines(nets.map(n => n.name)) }
    const trunc = argv['no-trunc'] !== true
    const table = renderTable(['NETWORK ID', 'NAME', 'DRIVER'], nets.map(n => [trunc ? n.id.slice(0, 12) : n.id, n.name, n.driver]))
    return { stdout: argv['noheading'] === true ? table.split('\n').slice(1).join('\n') : table }
  },
}

// Go-template view: Podman's field names (Name, ID, Driver, …) beside the JSON ones.
function toNetworkView (n: NetworkInspect, truncId: boolean): Record<string, unknown> {
  return {
    ...n, Name: n.name, ID: truncId ? n.id.slice(0, 12) : n.id, Id: n.id, Driver: n.driver, NetworkInterface: n.network_interface,
    Created: n.created, Subnets: n.subnets.map(s => ({ Subnet: s.subnet, Gateway: s.gateway })), IPv6Enabled: n.ipv6_enabled,
    Internal: n.internal, DNSEnabled: n.dns_enabled, Labels: n.labels, IPAMOptions: n.ipam_options,
  }
}

const inspect: PodctlCommand = {
  command: 'inspect <networks..>',
  describe: 'Display detailed information on one or more networks',
  builder: y => y.positional('networks', { type: 'string', array: true }).option('format', FORMAT_OPTION),
  async run (ctx, argv) {
    const env = CNIEnv.fromHost(ctx)
    const found: NetworkInspect[] = []; const errors: unknown[] = []
    for (const name of strings(argv['networks'])) {
      try { found.push(await env.inspect(name)) } catch (err) { errors.push(err) }
    }
    if (argv['format'] === undefined || wantsJson(argv)) return { stdout: renderJson(found), errors }
    return { stdout: renderTemplate(String(argv['format']), found.map(n => toNetworkView(n, false)), { name: 'network inspect', typeName: 'types.Network' }), errors }
  },
}

const rm: PodctlCommand = {
  command: 'rm <networks..>',
  aliases: ['remove'],
  describe: 'Remove networks',
  builder: y => y.positional('networks', { type: 'string', array: true })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Remove any containers using the network' }),
  async run (ctx, argv: Args) {
    const env = CNIEnv.fromHost(ctx)
    const backend = ctx.removalBackend?.(ctx)
    const removed: string[] = []; const errors: unknown[] = []
    for (const name of strings(argv['networks'])) {
      try {
        await env.remove(name, { force: argv['force'] === true, removeUsers: ids => removeUsingContainers(ctx, ids, `network ${name}`, backend === undefined ? {} : { backend }) })
        removed.push(name)
      } catch (err) { errors.push(err) }
    }
    return { stdout: renderLines(removed), errors }
  },
}

const prune: PodctlCommand = {
  command: 'prune',
  describe: 'Remove all unused networks',
  builder: y => y
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Do not prompt for confirmation' })
    .option('filter', { type: 'string', describe: 'Provide filter values (e.g. label=k=v)' }),
  async run (ctx, argv) {
    const raw = strings(argv['filter'])
    const filter = parseNetworkFilters(raw, NETWORK_PRUNE_FILTERS)
    const removed = await CNIEnv.fromHost(ctx).prune(n => !filter(n))
    return { stdout: renderLines(removed) }
  },
}

export const networkGroup: PodctlGroup = {
  command: 'network <command>',
  describe: 'Manage networks',
  subcommands: [create, ls, inspect, rm, prune, existsCommand('network')],
}
