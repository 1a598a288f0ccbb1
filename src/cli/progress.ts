import type { Ora } from 'ora'

export interface Progress {
  tick (n?: number): void
  done (): void
}

const noop: Progress = { tick () {}, done () {} }

// A spinner with a counter on stderr, only when stderr is a TTY and the work lasts
// more than a moment (it appears after showAfterMs). ora is imported only then, so
// short commands and pipes do not pay for loading it (~50 ms of startup).
export function createProgress (label: string, total: number, opts: { stream?: NodeJS.WriteStream, showAfterMs?: number } = {}): Progress {
  const stream = opts.stream ?? process.stderr
  // A terminal that reports no width (a pty nobody sized, as `script` without a terminal
  // makes) gets no spinner: ora divides by the width to count the lines it must clear, and
  // with 0 it would loop forever writing cursor-up sequences.
  const columns = stream.columns
  if (stream.isTTY !== true || process.env['TERM'] === 'dumb' || total <= 1 || !(Number.isInteger(columns) && columns > 0)) return noop
  let finished = 0
  let ended = false
  let spinner: Ora | undefined
  const text = (): string => `${label} ${finished}/${total}`
  const timer = setTimeout(() => {
    import('ora').then(({ default: ora }) => {
      if (ended) return
      // Enabled by our own TTY check (ora alone also turns itself off whenever CI is set).
      spinner = ora({ stream, text: text(), discardStdin: false, isEnabled: true }).start()
    }, () => { /* no spinner: the work goes on without one */ })
  }, opts.showAfterMs ?? 300)
  timer.unref()
  return {
    tick (n = 1) {
      finished += n
      if (spinner !== undefined) spinner.text = text()
    },
    done () {
      ended = true
      clearTimeout(timer)
      if (spinner?.isSpinning === true) spinner.stop()
    },
  }
}
