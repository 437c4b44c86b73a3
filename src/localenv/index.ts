/**
 * Local Kubernetes for tests, benchmarks and `plinth up`: the binaries (build/) and the clusters
 * that run them (cluster/). See docs/localenv.md.
 */
export * from './cluster/index.js';
export {
  cacheDir,
  cachedBinaries,
  ensureBinaries,
  versions,
  type Binaries,
  type BuildProgress,
  type EnsureOptions,
  type KubeVersionName,
} from './build/index.js';
