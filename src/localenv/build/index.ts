/**
 * Public API of the local Kubernetes binaries: which versions are pinned, where they are cached,
 * and `ensureBinaries` which builds what is missing from Go modules (see docs/localenv.md).
 */
import { PlinthError } from '../../errors/index.js';
import { ETCD, KUBE_PINS, KWOK, type KubeVersionName } from './versions.js';

export type { KubeVersionName } from './versions.js';
export { cacheDir } from './paths.js';

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
  step: string;
  done: number;
  total: number;
}

export interface EnsureOptions {
  onProgress?: (p: BuildProgress) => void;
  /** Where the go command's output goes; default `<cacheDir>/logs/build-<kubernetes version>.log`. */
  logFile?: string;
}

/** The pinned versions and the Go toolchain each Kubernetes version is built with. */
export function versions(): Record<KubeVersionName, { kubernetes: string; goToolchain: string }> & {
  etcd: string;
  kwok: string;
} {
  return {
    old: { kubernetes: KUBE_PINS.old.kubernetes, goToolchain: KUBE_PINS.old.goToolchain },
    new: { kubernetes: KUBE_PINS.new.kubernetes, goToolchain: KUBE_PINS.new.goToolchain },
    etcd: ETCD.version,
    kwok: KWOK.version,
  };
}

/**
 * The binaries of `version`, building whatever is missing (minutes when cold, milliseconds when
 * cached). Safe to call from several processes at once: builds hold a lock file and install
 * atomically.
 */
export async function ensureBinaries(version: KubeVersionName, opts: EnsureOptions = {}): Promise<Binaries> {
  void opts;
  return Promise.reject(new PlinthError('INTERNAL', { detail: `ensureBinaries(${version}) not implemented yet` }));
}

/** The binaries of `version` if they are all cached and complete; never builds. */
export async function cachedBinaries(version: KubeVersionName): Promise<Binaries | undefined> {
  void version;
  return Promise.resolve(undefined);
}
