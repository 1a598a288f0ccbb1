import path from 'node:path'

import type { PodctlConfig } from '../config.js'

// Where everything lives on disk. Persistent data under --root, runtime state under --runroot.
// The OCI bundle (config.json, pid file) is under <runroot>/containers/<id>: it is regenerated
// on every start, so losing it on reboot is harmless. The rootfs layers and ctr.log persist.
export const paths = {
  images: (c: PodctlConfig): string => path.join(c.root, 'storage', 'images'),
  image: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'images', id),
  imageRootfs: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'images', id, 'rootfs'),
  containerStorage: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'containers', id),
  containerUpper: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'containers', id, 'upper'),
  containerWork: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'containers', id, 'work'),
  containerRootfs: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'containers', id, 'merged'),
  containerLog: (c: PodctlConfig, id: string): string => path.join(c.root, 'storage', 'containers', id, 'ctr.log'),
  bundle: (c: PodctlConfig, id: string): string => path.join(c.runroot, 'containers', id),
  pidFile: (c: PodctlConfig, id: string): string => path.join(c.runroot, 'containers', id, 'pidfile'),
  conmonPidFile: (c: PodctlConfig, id: string): string => path.join(c.runroot, 'containers', id, 'conmon.pid'),
  runtimeLog: (c: PodctlConfig, id: string): string => path.join(c.runroot, 'containers', id, 'oci-log'),
  // conmon writes <exits>/<id> (the exit code, as text) when the container's init exits.
  exitDir: (c: PodctlConfig): string => path.join(c.runroot, 'exits'),
  exitFile: (c: PodctlConfig, id: string): string => path.join(c.runroot, 'exits', id),
  runtimeRoot: (c: PodctlConfig): string => path.join(c.runroot, 'runtime'),
  // OCI images: skopeo's shared blob store (blobs/sha256/<hex>), layers unpacked once each
  // (layers/<diff-id hex>/diff, with a short link layers/l/<id> for mount options), and
  // per-pull scratch dirs.
  blobs: (c: PodctlConfig): string => path.join(c.root, 'storage', 'blobs'),
  blob: (c: PodctlConfig, digest: string): string => path.join(c.root, 'storage', 'blobs', ...digest.split(':')),
  layers: (c: PodctlConfig): string => path.join(c.root, 'storage', 'layers'),
  layer: (c: PodctlConfig, diffHex: string): string => path.join(c.root, 'storage', 'layers', diffHex),
  layerDiff: (c: PodctlConfig, diffHex: string): string => path.join(c.root, 'storage', 'layers', diffHex, 'diff'),
  layerLinks: (c: PodctlConfig): string => path.join(c.root, 'storage', 'layers', 'l'),
  imageTmp: (c: PodctlConfig): string => path.join(c.root, 'storage', 'tmp'),
  infraRootfs: (c: PodctlConfig): string => path.join(c.root, 'storage', 'infra-rootfs'),
  volumes: (c: PodctlConfig): string => path.join(c.root, 'volumes'),
  volume: (c: PodctlConfig, name: string): string => path.join(c.root, 'volumes', name),
  volumeData: (c: PodctlConfig, name: string): string => path.join(c.root, 'volumes', name, '_data'),
}
