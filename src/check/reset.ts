import { errorMessage } from '../errors.js'
import type { Host } from '../host.js'
import type { ContainerId } from '../ids.js'
import { CNIEnv, DEFAULT_NETWORK } from '../network/index.js'
import { isPodctlOwned } from '../network/cni-config.js'
import { createHostBackend } from '../removal/host-backend.js'
import { removeContainers } from '../removal/index.js'
import { listContainers } from '../state/container-rows.js'
import { listImages } from '../state/image-rows.js'
import { listPods } from '../state/pod-rows.js'
import { listVolumes } from '../state/volume-rows.js'
import { removeImage } from '../images/remove-image.js'
import { removeVolume } from '../storage/volumes.js'
import { runSystemCheck } from './run-check.js'

export interface ResetSummary {
  containers: number
  pods: number
  networks: string[]
  volumes: number
  images: number
  // What could not be removed, one message each.
  errors: string[]
}

// podctl system reset: every container and pod (through the removal engine), podctl's own
// networks except the default, every volume and image, then a repairing system check for
// anything left behind. The state database itself stays (empty), so concurrent readers
// never see it vanish.
export async function resetHost (host: Host): Promise<ResetSummary> {
  const errors: string[] = []
  const containers = listContainers(host.store)
  const pods = listPods(host.store)
  const volumesBefore = listVolumes(host.store).length
  const report = await removeContainers(host, {
    mode: 'pod-rm', targets: containers.map(c => ({ id: c.id as ContainerId })), pods, force: true, depend: true, volumes: true,
  }, { backend: createHostBackend(host), timeoutSec: 0 })
  for (const c of report.containers) if (c.outcome.status === 'failed') errors.push(c.outcome.error.message)
  for (const p of report.pods) if (p.outcome.status === 'failed') errors.push(p.outcome.error.message)
  const cni = CNIEnv.fromHost(host)
  const networks: string[] = []
  for (const net of await cni.list().catch((err: unknown) => { errors.push(errorMessage(err)); return [] })) {
    if (net.name === DEFAULT_NETWORK || !isPodctlOwned(net)) continue
    try {
      networks.push(await cni.remove(net.name))
    } catch (err) {
      errors.push(errorMessage(err))
    }
  }
  for (const v of listVolumes(host.store)) {
    try { removeVolume(host, v.name) } catch (err) { errors.push(errorMessage(err)) }
  }
  const volumes = volumesBefore - listVolumes(host.store).length
  let images = 0
  for (const i of listImages(host.store)) {
    try { await removeImage(host, i.id, true); images++ } catch (err) { errors.push(errorMessage(err)) }
  }
  const check = await runSystemCheck(host, { repair: true })
  for (const f of check.findings) if (!f.repaired && f.kind !== 'bad-conflist') errors.push(`${f.kind}: ${f.object}: ${f.reason ?? f.detail}`)
  return {
    containers: report.containers.filter(c => c.outcome.status === 'removed').length,
    pods: report.pods.filter(p => p.outcome.status === 'removed').length,
    networks, volumes, images, errors,
  }
}
