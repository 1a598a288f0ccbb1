import fs from 'node:fs'
import path from 'node:path'

import { errorMessage, isErrorCode, PodctlError } from '../errors.js'
import type { Host } from '../host.js'
import { makeDirs, removeTree } from '../storage/atomic-file.js'
import { paths } from '../storage/paths.js'
import type { ImageRecord } from '../state/types.js'
import { storeImage } from './image-store.js'
import { readLayoutImage } from './oci-layout.js'
import type { ImageReference } from './reference.js'
import { formatReference, repository, tagName } from './reference.js'
import { loadRegistriesConf, resolveCandidates } from './registries-conf.js'
import { skopeoCopy } from './skopeo.js'
import { withImageStorageLock } from './storage-lock.js'

export interface PullOptions {
  tlsVerify?: boolean
  authfile?: string
  platform?: string
  // Progress lines ("Trying to pull …", skopeo's copy lines), for stderr.
  progress?: (line: string) => void
}

// `pull NAME`: each candidate of the name in turn (the name itself when it names a registry,
// else its alias, else one per unqualified-search registry), as Podman does; the first that
// copies wins. skopeo fetches into the shared blob store (blobs already there are not
// fetched again); layers are unpacked once each; then the image is recorded.
export async function pullImage (host: Host, raw: string, o: PullOptions = {}): Promise<ImageRecord> {
  const candidates = resolveCandidates(raw, loadRegistriesConf())
  const errors: string[] = []
  for (const ref of candidates) {
    o.progress?.(`Trying to pull ${formatReference(ref)}...`)
    try {
      return await pullOne(host, ref, o)
    } catch (err) {
      if (isErrorCode(err, 'INTERRUPTED') || candidates.length === 1) throw err
      errors.push(errorMessage(err))
    }
  }
  throw new PodctlError('STORAGE_FAILED', `${errors.length} errors occurred while pulling:${errors.map(e => `\n * ${e}`).join('')}`)
}

async function pullOne (host: Host, ref: ImageReference, o: PullOptions): Promise<ImageRecord> {
  const tmpRoot = paths.imageTmp(host.config)
  makeDirs(tmpRoot, 0o700)
  makeDirs(paths.blobs(host.config), 0o700)
  const tmp = fs.mkdtempSync(path.join(tmpRoot, 'pull-'))
  try {
    const out = await skopeoCopy(host, `docker://${formatReference(ref)}`, `oci:${tmp}:pull`, {
      remote: 'src', sharedBlobDir: paths.blobs(host.config),
      ...(o.tlsVerify === undefined ? {} : { tlsVerify: o.tlsVerify }),
      ...(o.authfile === undefined ? {} : { authfile: o.authfile }),
      ...(o.platform === undefined ? {} : { platform: o.platform }),
    })
    for (const line of out.split('\n')) if (line.trim() !== '') o.progress?.(line)
    return await withImageStorageLock(host, 'shared', async () => {
      const img = readLayoutImage(host, tmp)
      const name = tagName(ref)
      return await storeImage(host, img, name === undefined ? [] : [name], [`${repository(ref)}@${img.manifestDigest}`], formatReference(ref))
    })
  } finally {
    removeTree(tmp)
  }
}
