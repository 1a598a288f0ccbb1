import type { Random } from './random.js'

// The shared object pools every worker draws from: overlapping names on purpose.
export interface Pools {
  containers: string[]
  pods: string[]
  // Networks that exist for the whole run (workers attach to them, never remove them).
  sharedNets: string[]
  // Networks workers create and remove (name → subnet and bridge, fixed per name).
  poolNets: { name: string, subnet: string, bridge: string }[]
  // Host ports run and pod create publish (-p PORT:80): few, so that they clash.
  ports: number[]
}

export interface Op { kind: string, args: string[], json?: boolean }

// One random operation on the pools.
export function pickOp (rnd: Random, p: Pools): Op {
  const c = rnd.pick(p.containers)
  const pod = rnd.pick(p.pods)
  const net = (): string => rnd.chance(0.7) ? rnd.pick(p.sharedNets) : rnd.chance(0.5) ? rnd.pick(p.poolNets).name : 'none'
  const roll = rnd.next()
  if (roll < 0.22) {
    const extra = rnd.chance(0.3) ? ['--pod', pod] : ['--network', net()]
    if (extra[0] === '--network' && extra[1] !== 'none' && rnd.chance(0.5)) extra.push('-p', `${rnd.pick(p.ports)}:80`)
    if (rnd.chance(0.3)) extra.push('-v', '/anon')
    if (rnd.chance(0.15)) extra.push('--requires', rnd.pick(p.containers))
    return { kind: extra.includes('-p') ? 'run -p' : 'run', args: ['run', '-d', '--name', c, ...extra, 'busybox', 'sleep', '1000'] }
  }
  if (roll < 0.30) return { kind: 'create', args: ['create', '--name', c, '--network', net(), 'busybox', 'true'] }
  if (roll < 0.50) return { kind: 'rm', args: ['rm', '-f', ...(rnd.chance(0.5) ? ['-t', '0'] : []), ...(rnd.chance(0.5) ? ['-v'] : []), c] }
  if (roll < 0.58) {
    const extra = rnd.chance(0.5) ? ['--network', net()] : []
    if (extra[1] !== undefined && extra[1] !== 'none' && rnd.chance(0.3)) extra.push('-p', `${rnd.pick(p.ports)}:80`)
    return { kind: extra.includes('-p') ? 'pod create -p' : 'pod create', args: ['pod', 'create', '--name', pod, ...extra] }
  }
  if (roll < 0.66) return { kind: 'pod rm', args: ['pod', 'rm', '-f', '-t', '0', pod] }
  if (roll < 0.74) {
    const n = rnd.pick(p.poolNets)
    return { kind: 'network create', args: ['network', 'create', '--subnet', n.subnet, '--interface-name', n.bridge, n.name] }
  }
  if (roll < 0.82) {
    const n = rnd.pick(p.poolNets)
    return { kind: 'network rm', args: ['network', 'rm', ...(rnd.chance(0.3) ? ['-f'] : []), n.name] }
  }
  if (roll < 0.90) return { kind: 'ps', args: ['ps', '-a', '--format', 'json'], json: true }
  if (roll < 0.95) return { kind: 'network ls', args: ['network', 'ls', '--format', 'json'], json: true }
  return { kind: 'pod ps', args: ['pod', 'ps', '--format', 'json'], json: true }
}

// The documented outcomes of racing on shared names: the object is missing, in use or its
// name is taken, or a dependency is not in the state the command needs.
const EXPECTED: [string, RegExp][] = [
  // Podman's wording ends in "container already exists", but it is about dependents.
  ['in-use', /has dependent containers/i],
  // --requires across a pod boundary (a random container may be another pod's member):
  // refused at create with Podman's words, whichever way it crosses.
  ['pod-dependency', /is not a member of the pod|containers not in pods cannot depend on containers in pods/i],
  // A host port another container publishes: "host port N/tcp is already published by …".
  ['port-in-use', /host port \d+\/(tcp|udp) is already published by|address already in use/i],
  ['name-in-use', /already in use|already exists|name .* is in use|already used/i],
  ['no-such', /no such (container|pod|network|volume)|no (container|pod) with (name or ID|ID or name)|network not found|unable to find network/i],
  ['in-use', /in use|is being used|has associated containers|is used by|has dependent containers|not ready to be removed|depends on|is a dependency/i],
  ['state', /container state improper|is not running|cannot join|being removed|is removing/i],
]

// 'ok', one of the expected classes, or 'unexpected'.
export function classifyOutcome (code: number | null, signal: string | null, stderr: string): string {
  if (code === 0) return 'ok'
  if (signal !== null || code === null) return 'unexpected'
  if (/\n\s+at |TypeError|ReferenceError|Assertion failed|SQLITE_|Unhandled|internal error/i.test(stderr)) return 'unexpected'
  const lines = stderr.split('\n').filter(l => l.startsWith('Error: '))
  if (lines.length === 0) return 'unexpected'
  const classes = lines.map(l => EXPECTED.find(([, re]) => re.test(l))?.[0] ?? 'unexpected')
  return classes.includes('unexpected') ? 'unexpected' : classes[0]!
}
