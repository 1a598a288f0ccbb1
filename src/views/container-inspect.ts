import { readConfig } from '../containers/container-config.js'
import { joinedContainer } from '../containers/network-mode.js'
import type { Host } from '../host.js'
import { portBindings } from '../network/port-mapping.js'
import type { StateStore } from '../state/sqlite-state-store.js'
import { getContainer, listDependenciesOf } from '../state/container-rows.js'
import { getImage } from '../state/image-rows.js'
import { listContainerNetworkResults } from '../state/network-rows.js'
import type { ContainerRecord } from '../state/types.js'
import { getVolume, listContainerVolumes } from '../state/volume-rows.js'
import { networkSettingsOf } from './network-settings.js'

const ZERO_TIME = '0001-01-01T00:00:00Z'
const time = (ms: number | null): string => ms === null ? ZERO_TIME : new Date(ms).toISOString()

// The netns path shown as NetworkSettings.SandboxKey: the one the network module made, or
// the namespace of the running process that holds it; '' for host or when not running.
export function sandboxKey (store: StateStore, c: ContainerRecord, depth = 0): string {
  if (c.netnsPath !== null) return c.netnsPath
  const mode = c.namespaces.network ?? 'private'
  if (mode === 'host') return ''
  const target = joinedContainer(mode)
  if (target !== undefined) {
    const t = getContainer(store, target)
    return t === undefined || depth > 8 ? '' : sandboxKey(store, t, depth + 1)
  }
  return c.state === 'running' && c.pid !== null ? `/proc/${c.pid}/ns/net` : ''
}

function mountsOf (store: StateStore, c: ContainerRecord): Record<string, unknown>[] {
  const volumes = listContainerVolumes(store, c.id).map(v => ({
    Type: 'volume', Name: v.volumeName, Source: getVolume(store, v.volumeName)?.mountpoint ?? '', Destination: v.destination,
    Driver: 'local', Mode: '', Options: ['rbind'], RW: true, Propagation: 'rprivate',
  }))
  const binds = readConfig(c).binds.map(b => ({
    Type: 'bind', Source: b.source, Destination: b.destination, Driver: '', Mode: '', Options: ['rbind'], RW: b.readOnly !== true, Propagation: 'rprivate',
  }))
  return [...volumes, ...binds]
}

// A container joining another's netns (a pod member, container:X) shows that one's networks.
function networkOwner (store: StateStore, c: ContainerRecord, depth = 0): ContainerRecord {
  const target = joinedContainer(c.namespaces.network)
  const t = target === undefined || depth > 8 ? undefined : getContainer(store, target)
  return t === undefined ? c : networkOwner(store, t, depth + 1)
}

function networkSettings (store: StateStore, c: ContainerRecord): Record<string, unknown> {
  const owner = networkOwner(store, c)
  const aliases = Object.fromEntries(Object.entries(readConfig(owner).networkOptions).map(([n, o]) => [n, o.aliases]))
  const { basic, networks } = networkSettingsOf(owner.id, listContainerNetworkResults(store, owner.id), owner.state === 'running' && c.state === 'running', aliases)
  return {
    ...basic, Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: portBindings(readConfig(owner).ports ?? []), SandboxKey: sandboxKey(store, c), ...(networks === undefined ? {} : { Networks: networks }),
  }
}

// `podman inspect` for one container, with Podman's field names.
export function toInspectView (store: StateStore, c: ContainerRecord): Record<string, unknown> {
  const cfg = readConfig(c)
  const p = cfg.process
  const image = c.imageId === null ? undefined : getImage(store, c.imageId)
  const running = c.state === 'running'
  return {
    Id: c.id,
    Created: time(c.createdAt),
    Path: c.command[0] ?? '',
    Args: c.command.slice(1),
    State: {
      OciVersion: '1.0.2', Status: c.state, Running: running, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: running ? (c.pid ?? 0) : 0, ConmonPid: running ? (cfg.monitor?.pid ?? 0) : 0, ExitCode: c.exitCode ?? 0, Error: '', StartedAt: time(c.startedAt), FinishedAt: time(c.finishedAt),
    },
    Image: c.imageId ?? '',
    ImageName: image?.name ?? cfg.imageName,
    Rootfs: '',
    Pod: c.podId ?? '',
    Name: c.name,
    Mounts: mountsOf(store, c),
    Dependencies: [...new Set(listDependenciesOf(store, c.id).map(d => d.dependsOn))],
    NetworkSettings: networkSettings(store, c),
    IsInfra: c.isInfra,
    Config: {
      Hostname: cfg.hostname, Env: cfg.env, Cmd: c.command.slice(p.entrypoint?.length ?? 0), Image: image?.name ?? cfg.imageName, Labels: c.labels,
      StopSignal: c.stopSignal, StopTimeout: c.stopTimeout, CreateCommand: [],
      Entrypoint: (p.entrypoint ?? []).join(' '), WorkingDir: cfg.cwd, Tty: p.tty, User: p.user ?? '', CreateWorkingDir: p.workdir !== undefined,
      ...(cfg.exposedPorts === undefined || cfg.exposedPorts.length === 0 ? {} : { ExposedPorts: Object.fromEntries(cfg.exposedPorts.map(e => [e, {}])) }),
    },
    HostConfig: {
      NetworkMode: c.namespaces.network ?? 'private', IpcMode: c.namespaces.ipc ?? 'private', PidMode: c.namespaces.pid ?? 'private',
      UTSMode: c.namespaces.uts ?? 'private', AutoRemove: c.autoRemove, ContainerIDFile: c.cidfile ?? '',
      RestartPolicy: { Name: p.restart.name, MaximumRetryCount: p.restart.maximumRetryCount },
      CapAdd: p.capAdd, CapDrop: p.capDrop, Privileged: p.privileged, ReadonlyRootfs: p.readOnly, Init: p.init,
      Tmpfs: Object.fromEntries(p.tmpfs.map(t => [t.destination, t.options.join(',')])),
      Ulimits: p.ulimits.map(u => ({ Name: u.type, Soft: u.soft, Hard: u.hard })),
      ExtraHosts: p.addHosts.map(h => `${h.host}:${h.ip}`), Dns: p.dns, DnsSearch: p.dnsSearch, DnsOptions: p.dnsOptions,
      PortBindings: portBindings(cfg.ports ?? []),
    },
  }
}

// `inspect` of the given containers, each re-read (an observe may have changed it).
export function inspectContainerViews (host: Host, containers: readonly ContainerRecord[]): Record<string, unknown>[] {
  const { store } = host
  return store.read(() => containers.map(c => toInspectView(store, getContainer(store, c.id) ?? c)))
}
