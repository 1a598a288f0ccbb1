import { invalidArgument, LogRenderer, observeContainers, parseLogTime, PodctlError, readContainerLogs, selectContainers, shortId } from '../../index.js'
import type { PodctlCommand } from '../command.js'
import { streamsOf } from '../command.js'
import { strings } from '../removal-flags.js'

// Podman's wording: logs takes containers or --latest, never both, never neither.
export function checkLogsArgs (refs: readonly string[], latest: boolean): void {
  if (latest && refs.length > 0) throw invalidArgument('--latest and containers cannot be used together')
  if (!latest && refs.length === 0) throw invalidArgument('specify at least one container name or ID to log')
}

function parseTail (v: unknown): number {
  if (v === undefined) return -1
  const s = String(v)
  if (!/^-?\d+$/.test(s)) throw invalidArgument(`invalid argument "${s}" for "--tail" flag: strconv.ParseInt: parsing "${s}": invalid syntax`)
  return Number(s)
}

export const logsCommand: PodctlCommand = {
  command: 'logs [containers..]',
  describe: 'Fetch the logs of one or more containers',
  examples: [['podctl logs -f --tail 10 web', 'the last 10 lines, then follow'], ['podctl logs --since 10m -t web', 'the last ten minutes, with timestamps']],
  builder: y => y
    .positional('containers', { type: 'string', array: true })
    .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Follow log output' })
    .option('tail', { type: 'string', describe: 'Output the specified number of LINES at the end of the logs (default all)' })
    .option('since', { type: 'string', describe: 'Show logs since TIMESTAMP (RFC 3339, Unix time or duration such as 10m)' })
    .option('until', { type: 'string', describe: 'Show logs until TIMESTAMP' })
    .option('timestamps', { alias: 't', type: 'boolean', default: false, describe: 'Output the timestamps in the log' })
    .option('names', { alias: 'n', type: 'boolean', default: false, describe: 'Output the container name in the log (several containers)' })
    .option('color', { type: 'boolean', default: false, describe: 'Output the containers with different colors in the log' })
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = strings(argv['containers'])
    checkLogsArgs(refs, argv['latest'] === true)
    const tail = parseTail(argv['tail'])
    const sinceMs = argv['since'] === undefined ? undefined : parseLogTime(String(argv['since']), 'since')
    const untilMs = argv['until'] === undefined ? undefined : parseLogTime(String(argv['until']), 'until')
    await observeContainers(ctx)
    let targets
    try {
      targets = selectContainers(ctx, { refs, latest: argv['latest'] === true, onMissing: 'throw', wording: 'lookup' }).targets.map(t => t.record)
    } catch (err) {
      return { errors: [err], exitPolicy: 'any-error' }
    }
    if (targets.length === 0) return { errors: [new PodctlError('NO_SUCH_CONTAINER', 'no containers to log: no such container')], exitPolicy: 'any-error' }
    const streams = streamsOf(ctx)
    // Podman: with several containers each line starts with the short ID (the name with
    // --names), in a color of its own with --color.
    await Promise.all(targets.map((c, i) => {
      const name = argv['names'] === true ? c.name : shortId(c.id)
      const label = targets.length < 2 ? undefined : argv['color'] === true ? `\x1b[${31 + i % 6}m${name}\x1b[0m` : name
      const renderer = new LogRenderer({ timestamps: argv['timestamps'] === true, ...(label === undefined ? {} : { label }) }, (s, text) => { streams[s](text) })
      return readContainerLogs(ctx, c, {
        tail, follow: argv['follow'] === true, ...(sinceMs === undefined ? {} : { sinceMs }),
      }, entries => { renderer.render(untilMs === undefined ? entries : entries.filter(e => e.timeMs <= untilMs)) })
    }))
    return {}
  },
}
