import { generateId } from '../../src/ids.js'
import type { ImageRecord, VolumeRecord } from '../../src/state/types.js'

export function imageFixture (over: Partial<ImageRecord> = {}): ImageRecord {
  const id = generateId<ImageRecord['id']>()
  return { id, name: `img-${id.slice(0, 8)}:latest`, createdAt: Date.now(), size: 0, source: '', ...over }
}

export function volumeFixture (over: Partial<VolumeRecord> = {}): VolumeRecord {
  const name = over.name ?? `v-${generateId<string>().slice(0, 12)}`
  return { name, anonymous: false, mountpoint: `/var/lib/podctl/volumes/${name}/_data`, createdAt: Date.now(), labels: {}, ...over }
}
