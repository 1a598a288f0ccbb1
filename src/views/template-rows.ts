import { humanDuration } from './human-duration.js'
import { shortId } from '../ids.js'
import type { ContainerListEntry } from './container-view.js'
import { portsText } from './container-view.js'

// The fields `ps --format` templates see, as Podman's ps reporter offers them: the JSON
// entry plus ID (12 chars unless --no-trunc), Names and Command as strings, CreatedHuman.
export function psTemplateRow (e: ContainerListEntry, trunc: boolean): Record<string, unknown> {
  return {
    ...e,
    ID: trunc ? shortId(e.Id) : e.Id,
    Names: e.Names.join(','),
    Command: e.Command.join(' '),
    CreatedHuman: e.CreatedAt,
    RunningFor: e.CreatedAt,
    Ports: portsText(e),
    Networks: e.Networks.join(','),
    Labels: e.Labels ?? {},
    Mounts: [],
  }
}

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Id: 'CONTAINER ID', CreatedHuman: 'CREATED', CreatedAt: 'CREATED', RunningFor: 'CREATED', PodName: 'PODNAME', Pod: 'POD ID',
}

// `pod ps --format` fields: Podman's pod reporter names (ID, Name, Status, Created, InfraID, NumberOfContainers, ...).
export function podPsTemplateRow (e: Record<string, unknown>, trunc: boolean, now = Date.now()): Record<string, unknown> {
  const id = String(e['Id'])
  const infra = String(e['InfraId'] ?? '')
  const containers = (e['Containers'] as unknown[] | undefined) ?? []
  return {
    ...e,
    ID: trunc ? shortId(id) : id,
    InfraID: trunc && infra !== '' ? shortId(infra) : infra,
    Created: `${humanDuration(now - Date.parse(String(e['Created'])))} ago`,
    NumberOfContainers: containers.length,
    ContainerNames: containers.map(c => String((c as Record<string, unknown>)['Names'])).join(','),
    ContainerIds: containers.map(c => { const i = String((c as Record<string, unknown>)['Id']); return trunc ? shortId(i) : i }).join(','),
    ContainerStatuses: containers.map(c => String((c as Record<string, unknown>)['Status'])).join(','),
  }
}

export const POD_PS_HEADERS: Record<string, string> = { ID: 'POD ID', Id: 'POD ID', InfraID: 'INFRA ID', NumberOfContainers: '# OF CONTAINERS' }
