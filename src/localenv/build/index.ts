/**
 * Public API of the local Kubernetes binaries: which versions are pinned, where they are cached,
 * and `ensureBinaries`, which builds what is missing from Go modules (see docs/localenv.md).
 */
import { cached, ensure } from './ensure.js';
import type { Binaries, EnsureOptions } from './types.js';
import { ETCD, KUBE_PINS, KWOK, type KubeVersionName } from './versions.js';

export type { KubeVersionName } from './versions.js';
export type { Binaries, BuildProgress, EnsureOptions } from './types.js';
export { cacheDir } from './paths.js';

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
 * cached). Safe to call from several processes at once: each build holds a lock file, and is
 * installed by renaming a verified temporary directory. `PLINTH_REBUILD=1` rebuilds.
 * Throws PlinthError GO_MISSING, GO_TOO_OLD, DISK_FULL or BUILD_FAILED.
 */
export async function ensureBinaries(version: KubeVersionName, opts: EnsureOptions = {}): Promise<Binaries> {
  return ensure(version, opts);
}

/** The binaries of `version` if they are all cached and complete; never builds. */
export async function cachedBinaries(version: KubeVersionName): Promise<Binaries | undefined> {
  return cached(version);
}
