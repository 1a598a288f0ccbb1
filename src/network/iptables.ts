import { errorMessage, PodctlError } from '../errors.js'
import { isProcessError } from '../process/process-error.js'
import { runProcess } from '../process/run-process.js'
import type { IpFamily } from './masq-cleanup.js'

const IPTABLES_TIMEOUT_MS = 30_000

// iptables (family 4) or ip6tables (6) with args; resolves with stdout. Errors are
// NETWORK_FAILED naming the command and iptables' own words.
export async function iptables (family: IpFamily, args: string[], signal?: AbortSignal): Promise<string> {
  const cmd = family === 4 ? 'iptables' : 'ip6tables'
  try {
    return (await runProcess(cmd, args, { timeoutMs: IPTABLES_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })).stdout
  } catch (err) {
    const why = isProcessError(err) ? err.stderr.trim() || err.message : errorMessage(err)
    throw new PodctlError('NETWORK_FAILED', `${cmd} ${args.join(' ')}: ${why}`, { cause: err })
  }
}

// Applies lines (`*nat` … `COMMIT`) as one transaction: iptables-restore --noflush.
export async function restoreIptables (family: IpFamily, lines: string[], signal?: AbortSignal): Promise<void> {
  const cmd = family === 4 ? 'iptables-restore' : 'ip6tables-restore'
  try {
    await runProcess(cmd, ['--noflush'], { input: lines.join('\n') + '\n', timeoutMs: IPTABLES_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    const why = isProcessError(err) ? err.stderr.trim() || err.message : errorMessage(err)
    throw new PodctlError('NETWORK_FAILED', `${cmd} --noflush: ${why}`, { cause: err })
  }
}

// An argument list as one iptables-restore line (double quotes around what has spaces).
export function restoreArgs (args: string[]): string {
  return args.map(a => /[\s"]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a).join(' ')
}

// iptables' words for a chain or rule that does not exist.
export function isMissingRule (err: unknown): boolean {
  return /Bad rule|does not exist|No chain\/target\/match/i.test(errorMessage(err))
}
