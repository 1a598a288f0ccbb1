import { createPod, humanDuration, inspectPodViews, invalidArgument, listPodEntries, observeContainers, parseLabels, parsePodFilters, POD_PS_HEADERS, podPsTemplateRow, renderTemplate, selectPods, shortId, startPod, stopPod } from '../../index.js'
import type { PodSelection } from '../../index.js'
import type { Args, PodctlCommand } from '../command.js'
import { FORMAT_OPTION, wantsJson } from '../command.js'
import type { CommandContext } from '../context.js'
import { parseTimeFlag, strings } from '../removal-flags.js'
import { renderJson, renderLines, renderTable } from '../render.js'
import { existsCommand } from '../exists-command.js'

// The pods of start, stop and inspect: names/IDs, --all, --latest; misses are collected.
function selectPodTargets (ctx: CommandContext, argv: Args): PodSelection {
  return selectPods(ctx, { refs: strings(argv['pods']), all: argv['all'] === true, latest: argv['latest'] === true, onMissing: 'collect' })
}

const createCommand: PodctlCommand = {
  command: 'create',
  describe: 'Create a new empty pod',
  examples: [['podctl pod create --name web --share ipc,net,uts', 'a pod whose members share the infra namespaces']],
  builder: y => y
    .option('name', { alias: 'n', type: 'string', describe: 'Assign a name to the pod' })
    .option('infra', { type: 'boolean', default: true, describe: 'Create an infra container associated with the pod to share namespaces with' })
    .option('share', { type: 'string', describe: 'A comma-separated list of kernel namespaces the pod will share (ipc,net,uts default; pid; or none)' })
    .option('network', { alias: 'net', type: 'string', describe: 'Network mode of the infra container: none, host' })
    .option('pod-id-file', { type: 'string', describe: 'Write the pod ID to the file' })
    .option('publish', { alias: 'p', type: 'string', array: true, describe: 'Publish a port of the pod to the host: [ip:]hostPort:containerPort[/tcp|udp]' })
    .option('label', { alias: 'l', type: 'string', array: true, describe: 'Set metadata on a pod (key=value)' }),
  async run (ctx, argv) {
    const opt = (k: string): string | undefined => argv[k] === undefined ? undefined : String(argv[k])
    const name = opt('name'); const share = opt('share'); const network = opt('network'); const podIdFile = opt('pod-id-file')
    const pod = await createPod(ctx, {
      infra: argv['infra'] !== false, labels: parseLabels((argv['label'] as string[] | undefined) ?? []),
      ...(name === undefined ? {} : { name }), ...(share === undefined ? {} : { share }),
      ...(network === undefined ? {} : { network }), ...(podIdFile === undefined ? {} : { podIdFile }),
      ...(argv['publish'] === undefined ? {} : { publish: (argv['publish'] as unknown[]).map(String) }),
    })
    return { stdout: `${pod.id}\n` }
  },
}

const podTargets = (y: Parameters<NonNullable<PodctlCommand['builder']>>[0]) => y
  .positional('pods', { type: 'string', array: true })
  .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Act on all pods' })
  .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest pod podctl is aware of' })

const startCommand: PodctlCommand = {
  command: 'start [pods..]',
  describe: 'Start one or more pods',
  builder: podTargets,
  async run (ctx, argv) {
    const { targets, errors } = selectPodTargets(ctx, argv)
    if (errors.length > 0) return { errors, exitPolicy: 'any-error' }
    const out: string[] = []
    const failures: unknown[] = []
    for (const { record: p } of targets) {
      const r = await startPod(ctx, p)
      if (r.errors.length === 0) out.push(p.id)
      failures.push(...r.errors)
    }
    return { stdout: renderLines(out), errors: failures, exitPolicy: 'any-error' }
  },
}

const stopCommand: PodctlCommand = {
  command: 'stop [pods..]',
  describe: 'Stop one or more pods',
  builder: y => podTargets(y).option('time', { alias: ['t', 'timeout'], type: 'string', describe: 'Seconds to wait for pod stop before killing the container' }),
  async run (ctx, argv) {
    const timeoutSec = parseTimeFlag(argv['time'])
    const { targets, errors } = selectPodTargets(ctx, argv)
    if (errors.length > 0) return { errors, exitPolicy: 'any-error' }
    await observeContainers(ctx)
    const out: string[] = []
    const failures: unknown[] = []
    await Promise.all(targets.map(async ({ record: p }) => {
      const r = await stopPod(ctx, p, timeoutSec === undefined ? {} : { timeoutSec })
      if (r.errors.length === 0) out.push(p.id)
      failures.push(...r.errors)
    }))
    return { stdout: renderLines(out), errors: failures, exitPolicy: 'any-error' }
  },
}

const psCommand: PodctlCommand = {
  command: 'ps',
  aliases: ['ls', 'list'],
  describe: 'List pods',
  builder: y => y
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print the IDs of the pods only' })
    .option('no-trunc', { type: 'boolean', default: false, describe: 'Do not truncate pod and container IDs' })
    .option('filter', { alias: 'f', type: 'string', describe: 'Filter output based on conditions given (repeatable): id, name, label, label!, status, ctr-names, ctr-ids, ctr-number, ctr-status, until' })
    .option('noheading', { alias: 'n', type: 'boolean', default: false, describe: 'Do not print headers' })
    .option('format', FORMAT_OPTION),
  async run (ctx, argv) {
    const filter = parsePodFilters(strings(argv['filter']))
    await observeContainers(ctx)
    const entries = listPodEntries(ctx, filter)
    if (wantsJson(argv)) return { stdout: renderJson(entries) }
    if (argv['format'] !== undefined && argv['quiet'] !== true) {
      return { stdout: renderTemplate(String(argv['format']), entries.map(e => podPsTemplateRow(e, argv['no-trunc'] !== true)), { name: 'pod ps', typeName: 'ListPodReporter', headers: POD_PS_HEADERS }) }
    }
    const id = (s: unknown): string => argv['no-trunc'] === true ? String(s) : shortId(String(s))
    if (argv['quiet'] === true) return { stdout: renderLines(entries.map(e => id(e['Id']))) }
    const now = Date.now()
    const table = renderTable(['POD ID', 'NAME', 'STATUS', 'CREATED', 'INFRA ID', '# OF CONTAINERS'], entries.map(e => [
      id(e['Id']), String(e['Name']), String(e['Status']), `${humanDuration(now - Date.parse(String(e['Created'])))} ago`,
      e['InfraId'] === '' ? '' : id(e['InfraId']), String((e['Containers'] as unknown[]).length),
    ]))
    return { stdout: argv['noheading'] === true ? table.split('\n').slice(1).join('\n') : table }
  },
}

const inspectCommand: PodctlCommand = {
  command: 'inspect [pods..]',
  describe: 'Display information describing a pod',
  builder: y => y.positional('pods', { type: 'string', array: true })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest pod podctl is aware of' })
    .option('format', { alias: 'f', type: 'string', describe: 'Format the output to a Go template or json' }),
  async run (ctx, argv) {
    const refs = strings(argv['pods'])
    // Podman's inspect validation (pod inspect shares it since Podman 5).
    if (refs.length === 0 && argv['latest'] !== true) return { stdout: '[]\n', errors: [invalidArgument('no names or ids specified')], exitPolicy: 'any-error' }
    if (refs.length > 0 && argv['latest'] === true) return { errors: [invalidArgument('--latest and arguments cannot be used together')], exitPolicy: 'any-error' }
    const { targets, errors } = selectPodTargets(ctx, argv)
    await observeContainers(ctx)
    const views = inspectPodViews(ctx, targets.map(t => t.record))
    const errs = errors.map(e => e instanceof Error ? Object.assign(e, { message: e.message.replace(/^no pod with name or ID (\S+) found: no such pod$/, 'no such pod $1') }) : e)
    const format = argv['format'] === undefined ? 'json' : String(argv['format'])
    const stdout = format === 'json' ? JSON.stringify(views, null, 5) + '\n' : renderTemplate(format, views, { name: 'pod inspect', typeName: '*entities.PodInspectReport' })
    return { stdout, errors: errs, exitPolicy: 'any-error' }
  },
}

// The `pod` subcommands except `pod rm` (its own file; the command tree adds it).
export const podSubcommands: PodctlCommand[] = [createCommand, startCommand, stopCommand, psCommand, inspectCommand, existsCommand('pod')]
