import { randomInt } from 'node:crypto'

import { invalidArgument, PodctlError } from '../errors.js'
import type { ContainerRecord } from '../state/types.js'
import type { RemovalBackend } from './backend.js'

// TEST-ONLY fault injection for the removal engine, switched on by the environment:
//   PODCTL_FAULT='step=network-detached,container=web,action=kill'
//   step:        claimed | stopped | network-detached | runtime-deleted | storage-removed | volumes-removed | deleted
//                (the fault fires when the container reaches that step, before its effect runs)
//   container:   full ID, ID prefix, name, '*' (any) or 'random' (each container with probability, default 0.5)
//   action:      fail (the step throws) | hang (waits until the process is interrupted) | kill (SIGKILL self)
//   probability: 0..1, chance per matching container (default 1; 0.5 for 'random')
//   count:       at most this many firings per process (default unlimited)
// Parsed once per process. Production never sets it.
export const FAULT_ENV = 'PODCTL_FAULT'
export const FAULT_STEPS = ['claimed', 'stopped', 'network-detached', 'runtime-deleted', 'storage-removed', 'volumes-removed', 'deleted'] as const
export type FaultStep = typeof FAULT_STEPS[number]
export const FAULT_ACTIONS = ['fail', 'hang', 'kill'] as const
export type FaultAction = typeof FAULT_ACTIONS[number]

export interface FaultSpec {
  step: FaultStep
  container: string
  action: FaultAction
  probability: number
  count: number
}

// Parses a PODCTL_FAULT value; throws INVALID_ARGUMENT naming the bad part.
export function parseFaultSpec (raw: string): FaultSpec {
  const fields = new Map<string, string>()
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw invalidArgument(`${FAULT_ENV}: expected key=value, got ${JSON.stringify(part)}`)
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  for (const k of fields.keys()) if (!['step', 'container', 'action', 'probability', 'count'].includes(k)) throw invalidArgument(`${FAULT_ENV}: unknown key ${JSON.stringify(k)}`)
  const step = fields.get('step') ?? ''
  if (!(FAULT_STEPS as readonly string[]).includes(step)) throw invalidArgument(`${FAULT_ENV}: step must be one of ${FAULT_STEPS.join(', ')}, got ${JSON.stringify(step)}`)
  const action = fields.get('action') ?? 'fail'
  if (!(FAULT_ACTIONS as readonly string[]).includes(action)) throw invalidArgument(`${FAULT_ENV}: action must be one of ${FAULT_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`)
  const container = fields.get('container') ?? '*'
  const probability = Number(fields.get('probability') ?? (container === 'random' ? '0.5' : '1'))
  if (!(probability >= 0 && probability <= 1)) throw invalidArgument(`${FAULT_ENV}: probability must be between 0 and 1, got ${JSON.stringify(fields.get('probability'))}`)
  const count = Number(fields.get('count') ?? 'Infinity')
  if (!(count >= 1)) throw invalidArgument(`${FAULT_ENV}: count must be a positive integer, got ${JSON.stringify(fields.get('count'))}`)
  return { step: step as FaultStep, container, action: action as FaultAction, probability, count }
}

let parsed: FaultSpec | null | undefined
let fired = 0

// The process's fault spec (env read once), or null when fault injection is off.
export function activeFault (): FaultSpec | null {
  if (parsed === undefined) {
    const raw = process.env[FAULT_ENV]
    parsed = raw === undefined || raw === '' ? null : parseFaultSpec(raw)
  }
  return parsed
}

function matches (spec: FaultSpec, c: Pick<ContainerRecord, 'id' | 'name'>): boolean {
  if (spec.container === '*' || spec.container === 'random') return true
  return c.name === spec.container || c.id.startsWith(spec.container)
}

// Called by the engine when container `c` reaches `step`: fires the fault when it applies.
export async function faultPoint (step: FaultStep, c: Pick<ContainerRecord, 'id' | 'name'>, signal?: AbortSignal): Promise<void> {
  const spec = activeFault()
  if (spec === null || spec.step !== step || fired >= spec.count || !matches(spec, c)) return
  if (spec.probability < 1 && randomInt(1_000_000) >= spec.probability * 1_000_000) return
  fired++
  if (spec.action === 'kill') {
    process.kill(process.pid, 'SIGKILL')
    await new Promise(() => {})
  }
  if (spec.action === 'hang') {
    await new Promise<void>(resolve => {
      if (signal?.aborted === true) { resolve(); return }
      signal?.addEventListener('abort', () => resolve(), { once: true })
    })
  }
  throw new PodctlError('INTERNAL', `injected fault (${FAULT_ENV}) at step ${step} of container ${c.id}`)
}

// Wraps a backend so each effect first passes its fault point (a no-op when the env is unset).
// claimed, volumes-removed and deleted are fault points in steps.ts itself.
export function withFaultInjection (backend: RemovalBackend): RemovalBackend {
  if (activeFault() === null) return backend
  return {
    async stop (c, t, signal) { await faultPoint('stopped', c, signal); await backend.stop(c, t, signal) },
    async detachNetwork (c, signal) { await faultPoint('network-detached', c, signal); await backend.detachNetwork(c, signal) },
    async deleteRuntime (c, signal) { await faultPoint('runtime-deleted', c, signal); await backend.deleteRuntime(c, signal) },
    async teardownStorage (c, signal) { await faultPoint('storage-removed', c, signal); await backend.teardownStorage(c, signal) },
    removeVolumeData: (name, signal) => backend.removeVolumeData(name, signal),
  }
}

// Test support: forget the parsed spec (the env changed).
export function resetFaultInjection (): void {
  parsed = undefined
  fired = 0
}
