// Podman's "3 seconds ago" / "About a minute ago" style durations.
export function humanDuration (ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 1) return 'Less than a second'
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`
  const m = Math.floor(s / 60)
  if (m === 1) return 'About a minute'
  if (m < 60) return `${m} minutes`
  const h = Math.floor(m / 60)
  if (h === 1) return 'About an hour'
  if (h < 48) return `${h} hours`
  const d = Math.floor(h / 24)
  if (d < 14) return `${d} days`
  return `${Math.floor(d / 7)} weeks`
}
