import ora from 'ora'

export interface Progress {
  tick (n?: number): void
  done (): void
}

const noop: Progress = { tick () {}, done () {} }

// A spinner with a counter on stderr, only when stderr is a TTY and the work lasts
// more than a moment (it appears after showAfterMs).
export function createProgress (label: string, total: number, opts: { stream?: NodeJS.WriteStream, showAfterMs?: number } = {}): Progress {
  const stream = opts.stream ?? process.stderr
  if (stream.isTTY !== true || process.env['TERM'] === 'dumb' || total <= 1) return noop
  let finished = 0
  // Enabled by our own TTY check (ora alone also turns itself off whenever CI is set).
  const spinner = ora({ stream, text: `${label} 0/${total}`, discardStdin: false, isEnabled: true })
  const timer = setTimeout(() => spinner.start(), opts.showAfterMs ?? 300)
  timer.unref()
  return {
    tick (n = 1) {
      finished += n
      spinner.text = `${label} ${finished}/${total}`
    },
    done () {
      clearTimeout(timer)
      if (spinner.isSpinning) spinner.stop()
    },
  }
}
