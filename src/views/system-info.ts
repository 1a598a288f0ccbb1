import fs from 'node:fs'
import os from 'node:os'

import type { Host } from '../host.js'
import { listContainers } from '../state/container-rows.js'
import { listImages } from '../state/image-rows.js'
import { listPods } from '../state/pod-rows.js'
import { listVolumes } from '../state/volume-rows.js'
import { VERSION } from '../version.js'

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' }
export const GOARCH = ARCH[process.arch] ?? process.arch

// `podman version` fields, for podctl (Node in place of Go).
export function describeVersion (): Record<string, unknown> {
  return {
    Client: {
      APIVersion: VERSION, Version: VERSION, GoVersion: `node${process.versions.node}`, GitCommit: '',
      BuiltTime: '', Built: 0, OsArch: `linux/${GOARCH}`, Os: 'linux',
    },
  }
}

function cgroupVersion (): string {
  return fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1'
}

// `podman info` fields that scripts read: host, store (counts and paths), version.
export function describeSystem (host: Host): Record<string, unknown> {
  const { store, config } = host
  const counts = store.read(() => {
    const containers = listContainers(store)
    return {
      containers, images: listImages(store).length, pods: listPods(store).length, volumes: listVolumes(store).length,
    }
  })
  const by = (s: string): number => counts.containers.filter(c => c.state === s).length
  return {
    host: {
      arch: GOARCH, os: 'linux', kernel: os.release(), hostname: os.hostname(), cpus: os.cpus().length,
      memTotal: os.totalmem(), memFree: os.freemem(), cgroupVersion: cgroupVersion(),
      ociRuntime: { name: config.runtime.split('/').pop(), path: config.runtime },
      networkBackend: 'cni',
      rootless: process.getuid?.() !== 0,
    },
    store: {
      graphRoot: config.root, runRoot: config.runroot, graphDriverName: 'overlay',
      containerStore: { number: counts.containers.length, running: by('running'), paused: 0, stopped: by('exited') + by('stopped') + by('created') },
      imageStore: { number: counts.images },
      podStore: { number: counts.pods },
      volumeStore: { number: counts.volumes },
    },
    version: (describeVersion()['Client'] as Record<string, unknown>),
  }
}
