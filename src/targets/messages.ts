import { PodctlError } from '../errors.js'

// Podman words "no such container" per command; each command picks its wording.
export type ContainerMissWording = 'rm' | 'lookup' | 'inspect' | 'container inspect'

export function noSuchContainerAs (wording: ContainerMissWording, ref: string): PodctlError {
  switch (wording) {
    case 'rm': return new PodctlError('NO_SUCH_CONTAINER', `no container with ID or name "${ref}" found: no such container`)
    case 'lookup': return new PodctlError('NO_SUCH_CONTAINER', `no container with name or ID "${ref}" found: no such container`)
    case 'inspect': return new PodctlError('NO_SUCH_CONTAINER', `no such object: "${ref}"`)
    case 'container inspect': return new PodctlError('NO_SUCH_CONTAINER', `no such container "${ref}"`)
  }
}
