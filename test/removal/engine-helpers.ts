import { FakeBackend } from '../../src/removal/fake-backend.js'
import type { ExecuteOptions, RemoveReport } from '../../src/removal/index.js'
import { removeContainers } from '../../src/removal/index.js'
import type { RemovalRequest } from '../../src/removal/prepare.js'
import type { ContainerRecord, PodRecord } from '../../src/state/types.js'
import type { Harness } from './harness.js'

export interface RunOpts extends Partial<Omit<RemovalRequest, 'targets' | 'pods'>>, Partial<ExecuteOptions> {
  pods?: PodRecord[]
}

export async function runEngine (h: Harness, targets: ContainerRecord[], opts: RunOpts = {}): Promise<{ report: RemoveReport, backend: FakeBackend }> {
  const backend = (opts.backend as FakeBackend | undefined) ?? new FakeBackend()
  const report = await removeContainers(h.host, {
    mode: opts.mode ?? 'rm',
    targets: targets.map(t => ({ id: t.id, input: t.name })),
    pods: opts.pods ?? [],
    force: opts.force ?? false,
    depend: opts.depend ?? false,
    volumes: opts.volumes ?? false,
  }, { ...opts, backend })
  return { report, backend }
}

export function statusByName (report: RemoveReport): Record<string, string> {
  return Object.fromEntries(report.containers.map(c => [c.name, c.outcome.status]))
}

export function errorOf (report: RemoveReport, name: string): string | undefined {
  const c = report.containers.find(x => x.name === name)
  return c?.outcome.status === 'failed' ? c.outcome.error.message : undefined
}

// Index of the first event for (container, step), -1 when absent.
export function eventIndex (report: RemoveReport, id: string, step: string): number {
  return report.events.findIndex(e => e.container === id && e.step === step)
}

export function stepsOf (report: RemoveReport, id: string): string[] {
  return report.events.filter(e => e.container === id).map(e => e.step)
}

export const ALL_STEPS = ['claimed', 'stopped', 'network-detached', 'runtime-deleted', 'storage-removed', 'volumes-removed', 'deleted']
