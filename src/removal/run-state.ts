import { StripedMap } from '../concurrency/striped-map.js'
import type { Outcome } from './report.js'

interface ContainerEntry {
  kind: 'container'
  visited: boolean
  claimed: boolean
  // Dependents (among this run's targets) not gone yet: the Kahn in-degree.
  pendingDependents: number
  outcome?: Outcome
}
interface VolumeEntry { kind: 'volume', users: number }
// deletedHere: this run deleted the pod row (only then is the pod 'removed').
interface PodEntry { kind: 'pod', deletedHere: boolean }
type Entry = ContainerEntry | VolumeEntry | PodEntry

const ckey = (id: string): string => `c:${id}`
const vkey = (name: string): string => `v:${name}`
const pkey = (id: string): string => `p:${id}`

// All mutable state shared by one run's workers, in one StripedMap: visited, claimed,
// outcomes (errors included), Kahn in-degrees, per-volume user counts and which pod
// rows this run deleted. Workers never keep their own copies; every change is an
// atomic update on its key's stripe.
export class RunState {
  private readonly map: StripedMap<string, Entry>

  constructor (stripes = 64) {
    this.map = new StripedMap({ stripes })
  }

  async addContainer (id: string, pendingDependents: number): Promise<void> {
    await this.map.updateNow(ckey(id), () => ({ kind: 'container', visited: false, claimed: false, pendingDependents }))
  }

  async addVolume (name: string, users: number): Promise<void> {
    await this.map.set(vkey(name), { kind: 'volume', users })
  }

  // A pod row this run deleted (its last member's transaction, or an empty pod's).
  async markPodDeleted (id: string): Promise<void> {
    await this.map.updateNow(pkey(id), () => ({ kind: 'pod', deletedHere: true }))
  }

  async podDeletedHere (id: string): Promise<boolean> {
    const e = await this.map.getNow(pkey(id))
    return e?.kind === 'pod' && e.deletedHere
  }

  // True exactly once per container: the caller is the one that runs it.
  async visit (id: string): Promise<boolean> {
    let first = false
    await this.updateContainer(id, e => {
      first = !e.visited && e.outcome === undefined
      if (first) e.visited = true
      return e
    })
    return first
  }

  async markClaimed (id: string): Promise<void> {
    await this.updateContainer(id, e => { e.claimed = true; return e })
  }

  // One dependent is gone; returns how many are left.
  async dependentGone (id: string): Promise<number> {
    const e = await this.updateContainer(id, e => { e.pendingDependents--; return e })
    return e.pendingDependents
  }

  // Records the outcome unless one is already there; true when this call recorded it.
  async settle (id: string, outcome: Outcome): Promise<boolean> {
    let won = false
    await this.updateContainer(id, e => {
      won = e.outcome === undefined
      if (won) e.outcome = outcome
      return e
    })
    return won
  }

  async outcomeOf (id: string): Promise<Outcome | undefined> {
    const e = await this.map.getNow(ckey(id))
    return e?.kind === 'container' ? e.outcome : undefined
  }

  // One user of each volume is gone; returns the volumes that now have none.
  async releaseVolumes (names: readonly string[]): Promise<string[]> {
    return await this.map.withKeys(names.map(vkey), entries => {
      const unused: string[] = []
      for (const name of names) {
        const e = entries.get(vkey(name))
        if (e?.kind !== 'volume') continue
        const users = Math.max(0, e.users - 1)
        entries.set(vkey(name), { kind: 'volume', users })
        if (users === 0) unused.push(name)
      }
      return unused
    })
  }

  // Runs fn holding the volumes' stripes, with a check for "no users left", so two
  // containers' row deletions that share a volume are serialized.
  withVolumes<R> (names: readonly string[], fn: (isUnused: (name: string) => boolean) => R | Promise<R>): Promise<R> {
    return this.map.withKeys(names.map(vkey), entries => fn(name => {
      const e = entries.get(vkey(name))
      return e?.kind === 'volume' && e.users === 0
    }))
  }

  async outcomes (): Promise<Map<string, Outcome>> {
    const out = new Map<string, Outcome>()
    for (const [k, e] of await this.map.snapshot()) {
      if (e.kind === 'container' && e.outcome !== undefined) out.set(k.slice(2), e.outcome)
    }
    return out
  }

  // fn changes the entry in place (it holds the stripe, and entries never leave this class
  // but as copies: outcomes() builds a new map): one object per container, not one per change.
  private async updateContainer (id: string, fn: (e: ContainerEntry) => ContainerEntry): Promise<ContainerEntry> {
    const next = await this.map.updateNow(ckey(id), e => {
      if (e?.kind !== 'container') throw new Error(`Assertion failed: container ${id} is not part of this run`)
      return fn(e)
    })
    return next as ContainerEntry
  }
}
