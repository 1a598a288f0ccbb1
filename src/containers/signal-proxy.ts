const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const

// Replaces podctl's own handlers for the proxied signals with forwarding to the runtime
// (which forwards them to the container's init); returns the undo.
export function proxySignals (pid: number | undefined): () => void {
  const saved = PROXIED.map(sig => [sig, process.listeners(sig)] as const)
  const forward = (sig: NodeJS.Signals): void => {
    if (pid === undefined) return
    try { process.kill(pid, sig) } catch {}
  }
  for (const sig of PROXIED) {
    process.removeAllListeners(sig)
    process.on(sig, forward)
  }
  return () => {
    for (const [sig, listeners] of saved) {
      process.removeListener(sig, forward)
      for (const l of listeners) process.on(sig, l as (s: NodeJS.Signals) => void)
    }
  }
}
