/**
 * ensureBinaries / cachedBinaries: the three cache entries a Kubernetes version needs
 * (kubernetes, etcd, kwok), reused when valid and built when not.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedEntry, ensureEntry, stepCount } from './entry.js';
import { etcdRecipe } from './etcd.js';
import { BuildLog } from './gorun.js';
import { KUBE_COMMANDS, kubernetesRecipe } from './kubernetes.js';
import { kwokRecipe } from './kwok.js';
import { layout, type Layout } from './paths.js';
import { checkFreeSpace, localGo } from './prereq.js';
import { ProgressTracker } from './progress.js';
import type { Recipe } from './recipe.js';
import type { Binaries, EnsureOptions } from './types.js';
import { ETCD, KUBE_PINS, KWOK, type KubeVersionName } from './versions.js';

/** The recipes of one version, in build order (short ones first). */
export function recipesFor(name: KubeVersionName): { kubernetes: Recipe; etcd: Recipe; kwok: Recipe } {
  return { etcd: etcdRecipe(ETCD), kwok: kwokRecipe(KWOK), kubernetes: kubernetesRecipe(KUBE_PINS[name]) };
}

/** Where the binaries of `name` are (or will be) installed. */
export function binaryPaths(name: KubeVersionName, l: Layout = layout()): Binaries {
  const k = KUBE_PINS[name].kubernetes;
  const kube = (c: (typeof KUBE_COMMANDS)[number]): string => join(l.install('kubernetes', k), c);
  return {
    version: k,
    kubeApiserver: kube('kube-apiserver'),
    kubeControllerManager: kube('kube-controller-manager'),
    kubeScheduler: kube('kube-scheduler'),
    etcd: join(l.install('etcd', ETCD.version), 'etcd'),
    kwok: join(l.install('kwok', KWOK.version), 'kwok'),
  };
}

/**
 * Entries installed before the returned time are rebuilt. PLINTH_REBUILD=1 (or true/yes) means
 * "before this process started": a rebuild applies once per process, so `prepare --all` builds the
 * shared etcd and kwok once, not once per version. A Unix time in seconds or an ISO date applies
 * across processes: `PLINTH_REBUILD=$(date +%s) npm test` rebuilds once, not once per test file.
 */
export function rebuildSince(env: NodeJS.ProcessEnv = process.env, processStart: number = performance.timeOrigin): Date | undefined {
  const v = (env.PLINTH_REBUILD ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'no') return undefined;
  if (/^\d{9,}$/.test(v)) return new Date(Number(v) * 1000);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v));
  return new Date(processStart);
}

export async function cached(name: KubeVersionName, l: Layout = layout(), notBefore?: Date): Promise<Binaries | undefined> {
  const r = recipesFor(name);
  const ok = await Promise.all([r.etcd, r.kwok, r.kubernetes].map((x) => cachedEntry(x, l, notBefore)));
  return ok.every((m) => m !== undefined) ? binaryPaths(name, l) : undefined;
}

export async function ensure(name: KubeVersionName, opts: EnsureOptions = {}): Promise<Binaries> {
  const l = layout();
  const notBefore = rebuildSince();
  const progress = new ProgressTracker(opts.onProgress);
  const pin = KUBE_PINS[name];
  const hit = await cached(name, l, notBefore);
  if (hit) {
    progress.plan(3);
    progress.skip('kubernetes', pin.kubernetes, 3);
    return hit;
  }
  await mkdir(l.root, { recursive: true });
  const go = await localGo(l.root);
  await checkFreeSpace([l.root, go.gocache, go.gomodcache]);
  const log = await BuildLog.open(opts.logFile ?? l.log(pin.kubernetes));
  try {
    log.line(`==> ensureBinaries(${name}) pid ${process.pid}, go on PATH: go${go.goVersion}`);
    const order = Object.values(recipesFor(name));
    for (const r of order) progress.plan(stepCount(r));
    for (const r of order) await ensureEntry(r, { layout: l, log, progress, ...(notBefore ? { notBefore } : {}) });
    progress.complete('kubernetes', pin.kubernetes);
  } finally {
    await log.close();
  }
  return binaryPaths(name, l);
}
