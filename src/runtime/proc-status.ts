import fs from 'node:fs'

export interface ProcStatus {
  state: string
  sigBlk: bigint
  sigCgt: bigint
  sigIgn: bigint
  // PIDs from the outermost to the innermost PID namespace (NSpid line).
  nsPids: number[]
}

export function readProcStatus (pid: number): ProcStatus | undefined {
  let text: string
  try { text = fs.readFileSync(`/proc/${pid}/status`, 'utf8') } catch { return undefined }
  const field = (k: string): string => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? ''
  return {
    state: field('State').slice(0, 1),
    sigBlk: BigInt('0x' + (field('SigBlk') || '0')),
    sigCgt: BigInt('0x' + (field('SigCgt') || '0')),
    sigIgn: BigInt('0x' + (field('SigIgn') || '0')),
    nsPids: field('NSpid').split(/\s+/).filter(Boolean).map(Number),
  }
}

// Start time in clock ticks since boot (field 22 of /proc/<pid>/stat): with the PID it
// names one process for good, as PIDs get reused.
export function readStartTime (pid: number): string | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

// True while pid names a live (non-zombie) process, the same one when startTime is given.
export function isProcessAlive (pid: number, startTime?: string): boolean {
  const s = readProcStatus(pid)
  if (s === undefined || s.state === 'Z' || s.state === 'X') return false
  return startTime === undefined || readStartTime(pid) === startTime
}

const bit = (signo: number): bigint => 1n << BigInt(signo - 1)

// The process handles signo itself: a handler is installed, or it blocks it to read it.
export function catchesSignal (s: ProcStatus, signo: number): boolean {
  return ((s.sigCgt | s.sigBlk) & bit(signo)) !== 0n
}

// Whether sending signo can do anything to the process. A blocked signal is queued (it may be
// read with signalfd/sigwait, as catatonit does), so it may act. Otherwise an ignored signal
// never does, and for PID 1 of a PID namespace the kernel drops signals from outside that it
// has no handler for (SIGKILL/SIGSTOP excepted), so an uncaught signal cannot stop it either.
export function signalCanAct (s: ProcStatus, signo: number): boolean {
  if (signo === 9 || signo === 19) return true
  if ((s.sigBlk & bit(signo)) !== 0n) return true
  if ((s.sigIgn & bit(signo)) !== 0n) return false
  const isNamespaceInit = s.nsPids.length > 1 && s.nsPids[s.nsPids.length - 1] === 1
  return !isNamespaceInit || catchesSignal(s, signo)
}
