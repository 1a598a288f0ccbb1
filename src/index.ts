// podctl's library API: what the CLI (and any other client) calls. Named re-exports only,
// no logic. Every operation takes a Host (a Session from the CLI): config, logger, signal
// and the state store, which only the library reads. Errors are PodctlErrors with stable
// codes (errors.ts); exit statuses come from the exit policy table (exit-policy.ts).

// Errors and exit statuses.
export { errorMessage, invalidArgument, isErrorCode, isPodctlError, PodctlError } from './errors.js'
export type { ErrorCode } from './errors.js'
export { checkExitStatus, EXIT, exitCodeFor, exitStatus } from './exit-policy.js'
export type { ExitPolicy } from './exit-policy.js'

// Configuration, logging, sessions.
export { GLOBAL_OPTIONS, resolveConfig } from './config.js'
export type { PodctlConfig } from './config.js'
export { createLogger } from './log.js'
export type { Logger } from './log.js'
export type { Host } from './host.js'
export { Session } from './session.js'
export type { SessionOptions } from './session.js'
export { assertStateWritable } from './state/read-only-open.js'
export type { StateAccess } from './state/sqlite-state-store.js'
export { shortId } from './ids.js'
export { VERSION } from './version.js'

// Model.
export type { ContainerRecord, ImageRecord, PodRecord, VolumeRecord } from './state/types.js'

// Targets: references, ID files, --all, --latest and --filter → what a command acts on.
export { parseContainerFilters } from './targets/container-filters.js'
export { NETWORK_PRUNE_FILTERS, parseNetworkFilters } from './targets/network-filters.js'
export { parsePodFilters } from './targets/pod-filters.js'
export { parseVolumeFilters, VOLUME_LS_FILTERS, VOLUME_PRUNE_FILTERS } from './targets/volume-filters.js'
export { selectContainers } from './targets/select-containers.js'
export type { ContainerQuery, ContainerSelection, ContainerTarget } from './targets/select-containers.js'
export { selectPods } from './targets/select-pods.js'
export { objectExists } from './targets/exists.js'
export type { ExistsKind } from './targets/exists.js'
export type { PodQuery, PodSelection, PodTarget } from './targets/select-pods.js'

// Containers and pods.
export { parseLabels } from './containers/labels.js'
export { createContainerWithPod } from './pods/create-in-pod.js'
export type { CreateContainerOptions } from './containers/plan-create.js'
export { startContainer } from './containers/start-container.js'
export { stopContainer } from './containers/stop-container.js'
export { killContainer } from './containers/kill-container.js'
export { parseWaitConditions, parseWaitInterval, waitForContainer } from './containers/wait-container.js'
export { runAttached } from './containers/run-attached.js'
export { execInContainer } from './containers/exec-container.js'
export type { ExecOptions, ExecResult } from './containers/exec-container.js'
export { observeContainers, removeAutoRemoved } from './removal/auto-remove.js'
export { parseSignal, parseTimeout } from './runtime/signals.js'
export { createPod } from './pods/create-pod.js'
export { startPod, stopPod } from './pods/pod-lifecycle.js'

// Removal.
export { createHostBackend, describeRemoval, removeContainers, removePods, renderDryRun, reportToJson } from './removal/index.js'
export type { RemovalBackend, RemovalBackendFactory, RemovalDryRun, RemovalRequest, RemovalTarget, RemoveOptions, RemoveReport } from './removal/index.js'
export { removeImages, removeUsingContainers, removeVolumes } from './removal/remove-users.js'

// Views: Podman's output shapes.
export { inspectContainerViews } from './views/container-inspect.js'
export { listContainerEntries, portsText } from './views/container-view.js'
export { describeDependencyGraph } from './views/graph-view.js'
export { humanDuration } from './views/human-duration.js'
export { describeSystem, describeVersion } from './views/system-info.js'
export { inspectPodViews, listPodEntries } from './views/pod-view.js'
export { renderTemplate } from './views/go-template.js'
export { POD_PS_HEADERS, podPsTemplateRow, PS_HEADERS, psTemplateRow } from './views/template-rows.js'

// Logs.
export { readContainerLogs } from './containers/container-logs.js'
export { LogRenderer } from './logs/log-reader.js'
export { parseLogTime } from './logs/since.js'

// Images and volumes.
export { importImage, listImageRecords } from './storage/images.js'
export { pullImage } from './images/pull.js'
export { composePlatform } from './images/skopeo.js'
export { loadImages, saveImage } from './images/archive.js'
export type { ArchiveFormat } from './images/archive.js'
export type { PullOptions } from './images/pull.js'
export { pruneImages } from './images/remove-image.js'
export { tagImage, untagImage } from './images/tag-image.js'
export { displayDigest, displayRepoDigests, humanSize, imageListJson, inspectImages, listImagesMatching, rowNames, splitName } from './views/image-view.js'
export { createVolume, inspectVolumes, listVolumesMatching, pruneVolumes, toVolumeView } from './storage/volumes.js'

// Networks.
export { CNIEnv, DRIVERS, inspectNetwork } from './network/index.js'
export type { CreateNetworkOptions, Driver, NetworkInspect } from './network/index.js'

// System check and reset.
export { checkExitCode, renderCheckText, resetHost, runSystemCheck } from './check/index.js'
