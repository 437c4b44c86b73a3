import { join } from 'node:path';
import { cacheDir } from '../../kube/cache-dir.js';

export { cacheDir } from '../../kube/cache-dir.js';

/** The three things that are built. */
export type ComponentName = 'kubernetes' | 'etcd' | 'kwok';

/**
 * Layout of the cache (all under `cacheDir()`):
 *
 *     <root>/<component>/<version>/           installed binaries + manifest.json (complete or absent)
 *     <root>/<component>/.tmp-<version>-...   a build in progress (renamed into place when verified)
 *     <root>/work/<component>-<version>/      the wrapper Go module the build runs in (go.mod, go.sum)
 *     <root>/locks/<component>-<version>.lock held while one process builds that entry
 *     <root>/logs/build-<kubernetes version>.log  output of every go command
 */
export interface Layout {
  root: string;
  install(component: ComponentName, version: string): string;
  manifest(component: ComponentName, version: string): string;
  tempPrefix(component: ComponentName, version: string): string;
  work(component: ComponentName, version: string): string;
  lock(component: ComponentName, version: string): string;
  log(kubernetes: string): string;
}

export function layout(root: string = cacheDir()): Layout {
  return {
    root,
    install: (c, v) => join(root, c, v),
    manifest: (c, v) => join(root, c, v, MANIFEST_FILE),
    tempPrefix: (c, v) => join(root, c, `.tmp-${v}-`),
    work: (c, v) => join(root, 'work', `${c}-${v}`),
    lock: (c, v) => join(root, 'locks', `${c}-${v}.lock`),
    log: (k) => join(root, 'logs', `build-${k}.log`),
  };
}

export const MANIFEST_FILE = 'manifest.json';
