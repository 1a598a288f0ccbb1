// OCI runtime spec (config.json) generation: pure, no I/O, so it is unit-tested as data.
// Kept to what runc accepts on a cgroup v1 host: no rlimits, no resource limits beyond the
// device allow-list, no seccomp profile.

export type NamespaceKind = 'network' | 'ipc' | 'pid' | 'uts'

// private: a new namespace; host: none (share the host's); join: enter the one at path.
export type NamespaceSetting = { mode: 'private' } | { mode: 'host' } | { mode: 'join', path: string }

export interface BindMount { source: string, destination: string, readOnly?: boolean }

export interface SpecInput {
  id: string
  hostname: string
  args: string[]
  env: string[]
  cwd: string
  rootfs: string
  namespaces: Record<NamespaceKind, NamespaceSetting>
  binds: BindMount[]
  cgroupsPath: string
}

export const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm']

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
]

const MASKED = ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/fs/selinux', '/sys/dev/block']
const READONLY = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']

interface OciMount { destination: string, type: string, source: string, options: string[] }

function baseMounts (hostNetwork: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    // sysfs can only be mounted fresh inside a private network namespace; otherwise bind the host's.
    hostNetwork
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  ]
}

function namespaceEntries (ns: Record<NamespaceKind, NamespaceSetting>): { type: string, path?: string }[] {
  const out: { type: string, path?: string }[] = [{ type: 'mount' }]
  for (const kind of ['pid', 'network', 'ipc', 'uts'] as const) {
    const s = ns[kind]
    if (s.mode === 'private') out.push({ type: kind })
    else if (s.mode === 'join') out.push({ type: kind, path: s.path })
  }
  return out
}

// The whole config.json for one container start.
export function generateSpec (input: SpecInput): Record<string, unknown> {
  const caps = DEFAULT_CAPABILITIES
  const hostNetwork = input.namespaces.network.mode === 'host'
  const ownUts = input.namespaces.uts.mode === 'private'
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: input.args,
      env: input.env,
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false,
    },
    root: { path: input.rootfs, readonly: false },
    ...(ownUts ? { hostname: input.hostname } : {}),
    mounts: [
      ...baseMounts(hostNetwork),
      ...input.binds.map(b => ({ destination: b.destination, type: 'bind', source: b.source, options: ['rbind', b.readOnly === true ? 'ro' : 'rw'] })),
    ],
    linux: {
      cgroupsPath: input.cgroupsPath,
      namespaces: namespaceEntries(input.namespaces),
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      maskedPaths: MASKED,
      readonlyPaths: READONLY,
    },
  }
}
