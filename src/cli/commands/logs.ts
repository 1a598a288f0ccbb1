import { observeContainers } from '../../containers/auto-remove.js'
import { readConfig } from '../../containers/container-config.js'
import { invalidArgument, PodctlError } from '../../errors.js'
import { readLogs } from '../../logs/follow-logs.js'
import { LogRenderer } from '../../logs/log-reader.js'
import { parseLogTime } from '../../logs/since.js'
import { isProcessAlive } from '../../runtime/proc-status.js'
import { paths } from '../../storage/paths.js'
import { getContainer, lookupContainer, noSuchContainer } from '../../state/container-rows.js'
import type { ContainerRecord } from '../../state/types.js'
import type { PodctlCommand } from '../command.js'
import { streamsOf } from '../command.js'
import type { CommandContext } from '../context.js'
import { latestContainer } from './stop.js'

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

// Still producing output: its init is alive (PID + start time, no runtime exec per poll),
// or its conmon still drains the pipes into the log.
function isProducing (ctx: CommandContext, c: ContainerRecord): boolean {
  const row = getContainer(ctx.store, c.id)
  if (row === undefined) return false
  const cfg = readConfig(row)
  if (row.state === 'running' && row.pid !== null && isProcessAlive(row.pid, cfg.pidStart)) return true
  return cfg.monitor !== undefined && isProcessAlive(cfg.monitor.pid, cfg.monitor.start)
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
    .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'Act on the latest container podctl is aware of' }),
  async run (ctx, argv) {
    const refs = ((argv['containers'] as string[] | undefined) ?? []).map(String)
    checkLogsArgs(refs, argv['latest'] === true)
    const tail = parseTail(argv['tail'])
    const sinceMs = argv['since'] === undefined ? undefined : parseLogTime(String(argv['since']), 'since')
    const untilMs = argv['until'] === undefined ? undefined : parseLogTime(String(argv['until']), 'until')
    await observeContainers(ctx)
    const targets = argv['latest'] === true ? latestContainer(ctx).map(t => t[1]) : []
    for (const r of refs) {
      const c = lookupContainer(ctx.store, r)
      if (c === undefined) return { errors: [noSuchContainer(r)], exitCode: 125 }
      targets.push(c)
    }
    if (targets.length === 0) return { errors: [new PodctlError('NO_SUCH_CONTAINER', 'no containers to log: no such container')], exitCode: 125 }
    const streams = streamsOf(ctx)
    const renderer = new LogRenderer({ timestamps: argv['timestamps'] === true }, (s, text) => { streams[s](text) })
    await Promise.all(targets.map(c => readLogs(paths.containerLog(ctx.config, c.id), {
      tail, follow: argv['follow'] === true, signal: ctx.signal, isRunning: () => isProducing(ctx, c),
      ...(sinceMs === undefined ? {} : { sinceMs }),
    }, entries => { renderer.render(untilMs === undefined ? entries : entries.filter(e => e.timeMs <= untilMs)) })))
    return {}
  },
}
