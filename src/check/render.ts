import type { CheckReport } from './types.js'

// One line per finding, "<kind>: <object>: <detail> (repaired | not repaired: why)".
export function renderCheckText (report: CheckReport, repair: boolean): string {
  if (report.findings.length === 0) return 'No inconsistencies found\n'
  const lines = report.findings.map(f => {
    const status = f.repaired ? 'repaired' : repair || f.reason !== undefined ? `not repaired: ${f.reason ?? 'unknown'}` : 'found'
    return `${f.kind}: ${f.object}: ${f.detail} (${status})`
  })
  const left = report.findings.filter(f => !f.repaired).length
  lines.push(`${report.findings.length} inconsistencies found, ${report.findings.length - left} repaired, ${left} left`)
  return lines.join('\n') + '\n'
}
