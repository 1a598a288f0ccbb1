import type { PodctlConfig } from '../config.js'

// The dirs the network module works in: CNI config, plugins and cache, and the run dir
// (netns files).
export type CniPaths = Pick<PodctlConfig, 'cniConfigDir' | 'cniPluginDirs' | 'cniCacheDir' | 'runroot'>
