/** Public types of the local Kubernetes binaries (re-exported by index.ts). */

/** Absolute paths of the binaries of one Kubernetes version. */
export interface Binaries {
  /** Kubernetes version, e.g. v1.24.17. */
  version: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  kwok: string;
}

/** One step of a build: `done` of `total` steps are finished. */
export interface BuildProgress {
  /** kubernetes, etcd or kwok. */
  component: string;
  version: string;
  /** toolchain, resolve, download, build, verify, install; or cached, waiting..., done. */
  step: string;
  done: number;
  total: number;
}

export interface EnsureOptions {
  onProgress?: (p: BuildProgress) => void;
  /** Where the go command's output goes; default `<cacheDir>/logs/build-<kubernetes version>.log`. */
  logFile?: string;
}
