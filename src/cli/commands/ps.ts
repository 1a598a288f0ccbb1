import { observeContainers } from '../../containers/auto-remove.js'
import { invalidArgument } from '../../errors.js'
import { shortId } from '../../ids.js'
import { listContainers } from '../../state/container-rows.js'
import type { ContainerRecord } from '../../state/types.js'
import { loadViewLookups, toListEntry } from '../../views/container-view.js'
import { renderTemplate } from '../../views/go-template.js'
import { PS_HEADERS, psTemplateRow } from '../../views/template-rows.js'
import type { PodctlCommand } from '../command.js'
import { wantsJson } from '../command.js'
import { renderJson, renderLines, renderTable } from '../render.js'

const FILTER_KEYS = ['id', 'name', 'label', 'status', 'pod'] as const
const STATUSES = ['created', 'running', 'stopped', 'exited', 'removing', 'paused', 'restarting', 'unknown']

type Filter = (c: ContainerRecord, podName: string) => boolean

// Podman semantics: values of one key are ORed, different keys are ANDed.
export function parseContainerFilters (raw: readonly string[]): Filter {
  const byKey = new Map<string, Filter[]>()
  for (const f of raw) {
    const eq = f.indexOf('=')
    if (eq <= 0) throw invalidArgument(`invalid filter "${f}": must be in the format "filter=value"`)
    const key = f.slice(0, eq)
    const value = f.slice(eq + 1)
    let fn: Filter
    switch (key) {
      case 'id': fn = c => c.id.startsWith(value); break
      case 'name': fn = c => matchName(c.name, value); break
      case 'label': {
        const i = value.indexOf('=')
        const k = i < 0 ? value : value.slice(0, i)
        fn = i < 0 ? c => k in c.labels : c => c.labels[k] === value.slice(i + 1)
        break
      }
      case 'status':
        if (!STATUSES.includes(value)) throw invalidArgument(`${value} is not a valid status`)
        fn = c => c.state === value
        break
      case 'pod': fn = (c, podName) => c.podId !== null && (c.podId.startsWith(value) || podName === value); break
      default: throw invalidArgument(`${key} is an invalid filter`, `valid filters: ${FILTER_KEYS.join(', ')}`)
    }
    byKey.set(key, [...(byKey.get(key) ?? []), fn])
  }
  return (c, podName) => [...byKey.values()].every(fns => fns.some(fn => fn(c, podName)))
}

// Podman matches name filters as an unanchored regular expression.
function matchName (name: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(name)
  } catch {
    return name === pattern
  }
}

export const psCommand: PodctlCommand = {
  command: 'ps',
  aliases: ['ls', 'list'],
  describe: 'List containers',
  examples: [['podctl ps -a --format json', 'all containers as JSON'], ['podctl ps -q --filter label=app=web', 'IDs of matching running containers']],
  builder: y => y
    .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Show all the containers, default is only running containers' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print the numeric IDs of the containers only' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Display the extended information' })
    .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'Filter output based on conditions given' })
    .option('format', { type: 'string', describe: 'Pretty-print containers to JSON or using a Go template' }),
  async run (ctx, argv) {
    const filter = parseContainerFilters((argv['filter'] as string[]).map(String))
    const hasStatusFilter = (argv['filter'] as string[]).some(f => String(f).startsWith('status='))
    const { store } = ctx
    // Containers whose process died since the last look are shown as exited (one runtime
    // exec); exited --rm containers are removed.
    await observeContainers(ctx)
    const { containers, lookups } = store.read(() => ({ containers: listContainers(store), lookups: loadViewLookups(store) }))
    const now = Date.now()
    const entries = containers
      .filter(c => argv['all'] === true || hasStatusFilter || c.state === 'running')
      .filter(c => filter(c, c.podId === null ? '' : lookups.pods.get(c.podId)?.name ?? ''))
      .map(c => toListEntry(c, lookups, now))
    if (wantsJson(argv)) return { stdout: renderJson(entries) }
    const trunc = argv['no-trunc'] !== true
    if (argv['format'] !== undefined && argv['quiet'] !== true) {
      return { stdout: renderTemplate(String(argv['format']), entries.map(e => psTemplateRow(e, trunc)), { name: 'ps', typeName: 'ps.psReporter', headers: PS_HEADERS }) }
    }
    if (argv['quiet'] === true) return { stdout: renderLines(entries.map(e => trunc ? shortId(e.Id) : e.Id)) }
    return {
      stdout: renderTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], entries.map(e => [
        trunc ? shortId(e.Id) : e.Id,
        e.Image,
        trunc ? truncate(e.Command.join(' '), 20) : e.Command.join(' '),
        e.CreatedAt,
        e.Status,
        '',
        e.Names.join(','),
      ])),
    }
  },
}

function truncate (s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 3) + '...' : s
}
