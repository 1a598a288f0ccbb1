// OCI runtime spec (config.json) generation: pure, no I/O, so it is unit-tested as data.
// Kept to what runc accepts on a cgroup v1 host: rlimits only when asked (--ulimit), no
// resource limits beyond the device allow-list, no seccomp profile.

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
  // Defaults: root (0:0), Podman's default capabilities, a writable root, no tmpfs, no rlimits.
  user?: { uid: number, gid: number, additionalGids?: number[] }
  capabilities?: string[]
  // Every device (the host's /dev), no masked or read-only paths, /sys rw (the caller gives
  // every capability it holds).
  privileged?: boolean
  readOnlyRoot?: boolean
  tmpfs?: { destination: string, options: string[] }[]
  rlimits?: { type: string, soft: number, hard: number }[]
  sysctl?: Record<string, string>
  // A pty for the process (the runtime hands its master to a console socket).
  terminal?: boolean
}

export const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm']

// Every capability, in bit order (linux/capability.h).
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
]

// The capabilities of a bounding-set mask (/proc/self/status CapBnd, hex).
export function capabilitiesOfMask (hex: string): string[] {
  const mask = BigInt('0x' + hex)
  return ALL_CAPABILITIES.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n)
}

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
]

const MASKED = ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/fs/selinux', '/sys/dev/block']
const READONLY = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']

interface OciMount { destination: string, type: string, source: string, options: string[] }

function baseMounts (hostNetwork: boolean, privileged: boolean): OciMount[] {
  const sysOptions = ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro']
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    privileged
      ? { destination: '/dev', type: 'bind', source: '/dev', options: ['rbind', 'nosuid', 'rw'] }
      : { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    // sysfs can only be mounted fresh inside a private network namespace; otherwise bind the host's.
    hostNetwork
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', ...sysOptions] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOptions },
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
  const privileged = input.privileged === true
  const caps = input.capabilities ?? DEFAULT_CAPABILITIES
  const hostNetwork = input.namespaces.network.mode === 'host'
  const ownUts = input.namespaces.uts.mode === 'private'
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: input.terminal === true,
      user: input.user ?? { uid: 0, gid: 0 },
      args: input.args,
      env: input.env,
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false,
      ...(input.rlimits !== undefined && input.rlimits.length > 0 ? { rlimits: input.rlimits } : {}),
    },
    root: { path: input.rootfs, readonly: input.readOnlyRoot === true },
    ...(ownUts ? { hostname: input.hostname } : {}),
    mounts: [
      ...baseMounts(hostNetwork, privileged),
      ...(input.tmpfs ?? []).map(t => ({ destination: t.destination, type: 'tmpfs', source: 'tmpfs', options: t.options })),
      ...input.binds.map(b => ({ destination: b.destination, type: 'bind', source: b.source, options: ['rbind', b.readOnly === true ? 'ro' : 'rw'] })),
    ],
    linux: {
      cgroupsPath: input.cgroupsPath,
      ...(input.sysctl !== undefined && Object.keys(input.sysctl).length > 0 ? { sysctl: input.sysctl } : {}),
      namespaces: namespaceEntries(input.namespaces),
      resources: { devices: [{ allow: privileged, access: 'rwm' }] },
      maskedPaths: privileged ? [] : MASKED,
      readonlyPaths: privileged ? [] : READONLY,
    },
  }
}
