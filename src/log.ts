import type { LogLevel } from './config.js'

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export interface Logger {
  debug (msg: string): void
  info (msg: string): void
  warn (msg: string): void
  error (msg: string): void
}

// Podman-like log lines on stderr: time="…" level=warning msg="…".
export function createLogger (level: LogLevel, write: (line: string) => void = l => { process.stderr.write(l) }): Logger {
  const at = (lvl: LogLevel, word: string) => (msg: string): void => {
    if (ORDER[lvl] < ORDER[level]) return
    write(`time="${new Date().toISOString()}" level=${word} msg=${JSON.stringify(msg)}\n`)
  }
  return { debug: at('debug', 'debug'), info: at('info', 'info'), warn: at('warn', 'warning'), error: at('error', 'error') }
}

export const silentLogger: Logger = { debug () {}, info () {}, warn () {}, error () {} }
