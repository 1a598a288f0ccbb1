import { PodctlError } from '../errors.js'
import { readFileInRoot } from '../storage/in-root.js'

export interface ProcessUser { uid: number, gid: number, additionalGids?: number[] }

const NUMERIC = /^\d+$/
const MAX_ID = 2 ** 32 - 2

function idOf (s: string): number {
  const n = Number(s)
  if (!Number.isSafeInteger(n) || n > MAX_ID) throw new PodctlError('INVALID_ARGUMENT', `invalid user or group ID ${s}: out of range`)
  return n
}

interface PasswdEntry { name: string, uid: number, gid: number }
interface GroupEntry { name: string, gid: number, members: string[] }

function passwd (text: string | undefined): PasswdEntry[] {
  return (text ?? '').split('\n').flatMap(line => {
    const f = line.split(':')
    if (f.length < 4 || !NUMERIC.test(f[2]!) || !NUMERIC.test(f[3]!)) return []
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }]
  })
}

function groups (text: string | undefined): GroupEntry[] {
  return (text ?? '').split('\n').flatMap(line => {
    const f = line.split(':')
    if (f.length < 3 || !NUMERIC.test(f[2]!)) return []
    return [{ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }]
  })
}

// -u user[:group] (names or numeric IDs) resolved the way Podman does it, through the
// container's own /etc/passwd and /etc/group: a name must exist there (Podman's message
// otherwise); a numeric user need not, and then runs with group 0. The user's
// supplementary groups come from /etc/group unless a group was given.
export function resolveUser (rootfs: string, spec: string | undefined): ProcessUser {
  if (spec === undefined || spec === '') return { uid: 0, gid: 0 }
  const [u = '', g] = spec.split(':')
  const users = passwd(readFileInRoot(rootfs, '/etc/passwd'))
  const entry = NUMERIC.test(u) ? users.find(e => e.uid === Number(u)) : users.find(e => e.name === u)
  if (entry === undefined && !NUMERIC.test(u)) throw new PodctlError('INVALID_ARGUMENT', `unable to find user ${u}: no matching entries in passwd file`)
  const uid = entry?.uid ?? idOf(u)
  let gid = entry?.gid ?? 0
  let additionalGids: number[] = []
  const all = groups(readFileInRoot(rootfs, '/etc/group'))
  if (g !== undefined && g !== '') {
    if (NUMERIC.test(g)) gid = idOf(g)
    else {
      const grp = all.find(e => e.name === g)
      if (grp === undefined) throw new PodctlError('INVALID_ARGUMENT', `unable to find group ${g}: no matching entries in group file`)
      gid = grp.gid
    }
  } else if (entry !== undefined) {
    additionalGids = all.filter(e => e.members.includes(entry.name) && e.gid !== gid).map(e => e.gid)
  }
  return additionalGids.length > 0 ? { uid, gid, additionalGids } : { uid, gid }
}
