import { checkExitStatus } from '../exit-policy.js'

// One inconsistency system check found, as printed and as JSON.
export interface Finding {
  kind: FindingKind
  // What it concerns: a container ID, a path, a network name, an interface.
  object: string
  detail: string
  repaired: boolean
  // Why it was not repaired (set when repair was asked for and not done).
  reason?: string
}

export const FINDING_KINDS = [
  'stuck-removal', // container in 'removing' whose owner process is dead
  'stale-running', // row says running, the runtime or its process is gone
  'missing-mount', // row says running, its rootfs is not mounted
  'missing-storage', // the row's storage dir is gone
  'missing-monitor', // row says running, the container runs, but its conmon is gone
  'orphan-runtime-container', // the OCI runtime knows a container no row owns
  'orphan-conmon', // a conmon of this runroot whose container no row owns
  'orphan-mount', // an overlay mount under <root>/storage no row owns
  'orphan-storage', // a storage or bundle dir, or a conmon exit file, no row owns
  'orphan-netns', // a netns file under <runroot>/netns no row owns
  'orphan-cni-result', // a CNI result-cache entry no row owns
  'orphan-ipam', // a host-local IP allocation no row owns
  'dangling-dependency', // a dependency row pointing at a missing container
  'pod-missing-member', // a pod whose infra_id names a missing container
  'dangling-pod-ref', // a container naming a missing pod
  'bad-conflist', // a CNI config file that does not parse
  'orphan-veth', // a veth on a podctl bridge that no attachment owns
  'orphan-masquerade', // a bridge ipMasq rule and chain of a podctl network for a container that is gone
  'orphan-layer', // an image layer (or half-unpacked one, short link, pull scratch dir) nothing uses
  'orphan-blob', // blobs in the shared store no image references
  'missing-layer', // an image whose layer files are gone
  'orphan-nat-chain', // a PODCTL- NAT chain whose network config is gone
  'missing-nat-rule', // a network with containers whose PODCTL- NAT jump is missing
  'orphan-port-mapping', // a portmap CNI-DN- chain (and its CNI-HOSTPORT-DNAT rule) of a podctl network for a container that is gone
] as const
export type FindingKind = typeof FINDING_KINDS[number]

// A finding plus how to fix it: repair() or, when it cannot be fixed safely, why not.
export interface Problem {
  kind: FindingKind
  object: string
  detail: string
  repair?: () => Promise<void>
  cannot?: string
}

export interface CheckReport {
  findings: Finding[]
}

// 0 when nothing is left unrepaired, 1 otherwise (the exit policy table decides).
export function checkExitCode (report: CheckReport): number {
  return checkExitStatus(report.findings)
}
