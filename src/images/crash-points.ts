// TEST-ONLY crash points in image storage, switched on by the environment:
//   PODCTL_IMAGE_CRASH=<point>   the process SIGKILLs itself when it reaches the point
// Points: layer-unpacked (a layer's files complete in its temp dir, not yet renamed),
// layer-stored (renamed into place, the image row not yet written), row-deleted (rmi: the
// image row gone, its layers and blobs not yet freed), layer-half-freed (a layer's link file
// removed, its files not yet). Production never sets it.
export const IMAGE_CRASH_ENV = 'PODCTL_IMAGE_CRASH'
export const IMAGE_CRASH_POINTS = ['layer-unpacked', 'layer-stored', 'row-deleted', 'layer-half-freed'] as const
export type ImageCrashPoint = typeof IMAGE_CRASH_POINTS[number]

export function crashPoint (point: ImageCrashPoint): void {
  if (process.env[IMAGE_CRASH_ENV] === point) process.kill(process.pid, 'SIGKILL')
}
