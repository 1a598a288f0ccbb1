import { setTimeout as sleep } from 'node:timers/promises'

import { PodctlError } from '../errors.js'
import type { ContainerRecord } from '../state/types.js'
import type { RemovalBackend } from './backend.js'

export type BackendStep = 'stop' | 'detachNetwork' | 'deleteRuntime' | 'teardownStorage' | 'removeVolumeData'

export interface BackendCall {
  step: BackendStep
  // Container ID, or volume name for removeVolumeData.
  target: string
}

interface Fault { error?: Error, delayMs?: number, gate?: Promise<unknown>, times: number }

// A scripted backend for tests and the bench: records every call in order and can fail
// or delay any step of any container (matched by ID or name) or volume.
export class FakeBackend implements RemovalBackend {
  readonly calls: BackendCall[] = []
  // Calls in progress right now, and the most ever seen at once.
  active = 0
  maxActive = 0
  // Containers (or volumes) with a call in progress, and the most ever seen at once: one
  // container's network and runtime steps overlap, so this counts workers, not calls.
  private readonly inFlight = new Map<string, number>()
  maxActiveTargets = 0
  private readonly faults = new Map<string, Fault>()
  private readonly defaultDelayMs: number

  constructor (opts: { delayMs?: number } = {}) {
    this.defaultDelayMs = opts.delayMs ?? 0
  }

  // Makes `step` of `target` throw `times` times (default: always).
  failAt (target: string, step: BackendStep, error: Error | string = `injected ${step} failure`, times = Infinity): this {
    const e = typeof error === 'string' ? new PodctlError('RUNTIME_FAILED', error) : error
    this.faults.set(`${step}:${target}`, { ...this.faults.get(`${step}:${target}`), error: e, times })
    return this
  }

  delayAt (target: string, step: BackendStep, delayMs: number): this {
    this.faults.set(`${step}:${target}`, { ...this.faults.get(`${step}:${target}`), delayMs, times: this.faults.get(`${step}:${target}`)?.times ?? Infinity })
    return this
  }

  // Holds `step` of `target` until `gate` settles (deterministic interleavings in tests).
  blockAt (target: string, step: BackendStep, gate: Promise<unknown>): this {
    const key = `${step}:${target}`
    this.faults.set(key, { ...this.faults.get(key), gate, times: this.faults.get(key)?.times ?? Infinity })
    return this
  }

  callsFor (target: string): BackendStep[] {
    return this.calls.filter(c => c.target === target).map(c => c.step)
  }

  stop (c: ContainerRecord, _timeoutSec: number | undefined, signal: AbortSignal): Promise<void> {
    return this.act('stop', c, signal)
  }

  detachNetwork (c: ContainerRecord, signal: AbortSignal): Promise<void> {
    return this.act('detachNetwork', c, signal)
  }

  deleteRuntime (c: ContainerRecord, signal: AbortSignal): Promise<void> {
    return this.act('deleteRuntime', c, signal)
  }

  teardownStorage (c: ContainerRecord, signal: AbortSignal): Promise<void> {
    return this.act('teardownStorage', c, signal)
  }

  removeVolumeData (name: string, signal: AbortSignal): Promise<void> {
    return this.act('removeVolumeData', { id: name, name }, signal)
  }

  private async act (step: BackendStep, c: { id: string, name: string }, signal: AbortSignal): Promise<void> {
    this.calls.push({ step, target: c.id })
    this.maxActive = Math.max(this.maxActive, ++this.active)
    this.inFlight.set(c.id, (this.inFlight.get(c.id) ?? 0) + 1)
    this.maxActiveTargets = Math.max(this.maxActiveTargets, this.inFlight.size)
    try {
      const fault = this.faults.get(`${step}:${c.id}`) ?? this.faults.get(`${step}:${c.name}`)
      if (fault?.gate !== undefined) await fault.gate
      const delay = fault?.delayMs ?? this.defaultDelayMs
      if (delay > 0) await sleep(delay, undefined, { signal })
      else await Promise.resolve()
      if (fault?.error !== undefined && fault.times > 0) {
        fault.times--
        throw fault.error
      }
    } finally {
      this.active--
      const left = (this.inFlight.get(c.id) ?? 1) - 1
      if (left === 0) this.inFlight.delete(c.id); else this.inFlight.set(c.id, left)
    }
  }
}
