/**
 * The one place where the versions of the local Kubernetes binaries are pinned.
 * Changing a pin here makes the next `ensureBinaries` build the new version (the cache is keyed
 * by version and its manifest records the toolchain and recipe it was built with).
 */

/** The two Kubernetes versions Plinth keeps locally. */
export type KubeVersionName = 'old' | 'new';

export interface KubePin {
  /** Kubernetes release, e.g. v1.24.17. */
  readonly kubernetes: string;
  /** The exact Go toolchain (GOTOOLCHAIN value) that builds it. */
  readonly goToolchain: string;
}

export interface ToolPin {
  readonly version: string;
  readonly goToolchain: string;
}

/**
 * OLD: the oldest release whose staging modules all build from the Go module proxy; it still
 * serves the APIs removed in 1.25/1.26 (PodSecurityPolicy, batch/v1beta1 CronJob, ...).
 * Its go.mod says go 1.19 and upstream built its last patches with Go 1.20; go1.21.13 (the last
 * 1.21 patch, the first Go line with toolchain management) is close to that and builds it.
 */
export const OLD: KubePin = { kubernetes: 'v1.24.17', goToolchain: 'go1.21.13' };

/** NEW: the latest 1.34 patch on the module proxy; its go.mod asks for go 1.24. */
export const NEW: KubePin = { kubernetes: 'v1.34.4', goToolchain: 'go1.24.13' };

/** etcd for both versions: the latest 3.5 patch (its go.mod asks for go 1.26). */
export const ETCD: ToolPin = { version: 'v3.5.35', goToolchain: 'go1.26.10' };

/** kwok for both versions (its go.mod asks for go 1.24). */
export const KWOK: ToolPin = { version: 'v0.7.0', goToolchain: 'go1.24.13' };

export const KUBE_PINS: Readonly<Record<KubeVersionName, KubePin>> = { old: OLD, new: NEW };

/**
 * Bumped when the way a component is built changes (flags, wrapper module, verification), so
 * entries built by an older recipe are rebuilt even though the versions did not change.
 */
export const RECIPE = 1;
