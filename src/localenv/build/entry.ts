/**
 * Building one cache entry (one component at one version): under its lock, into a temporary
 * directory, verified with `--version`, then renamed into place with its manifest.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { logger } from '../../kube/log.js';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { binaryVersion, goEnv, runGo, type BuildLog } from './gorun.js';
import { acquireLock } from './lock.js';
import { MANIFEST_SCHEMA, validEntry, writeManifest, type Manifest, type ManifestKey } from './manifest.js';
import type { Layout } from './paths.js';
import type { ProgressTracker } from './progress.js';
import type { Recipe, RecipeContext } from './recipe.js';
import { RECIPE } from './versions.js';

const log = logger('localenv-build');

export function manifestKey(r: Recipe): ManifestKey {
  return {
    component: r.component,
    version: r.version,
    goToolchain: r.goToolchain,
    recipe: RECIPE,
    ...(r.revision ? { revision: r.revision } : {}),
    files: r.files,
  };
}

/** Steps a build of `r` runs, for progress totals. */
export function stepCount(r: Recipe): number {
  return r.steps.length + 3; // toolchain + recipe steps + verify + install
}

export async function cachedEntry(r: Recipe, l: Layout, notBefore?: Date): Promise<Manifest | undefined> {
  return validEntry(l.install(r.component, r.version), l.manifest(r.component, r.version), manifestKey(r), notBefore);
}

export interface EntryBuild {
  layout: Layout;
  log: BuildLog;
  progress: ProgressTracker;
  /** Entries installed before this time are rebuilt (PLINTH_REBUILD). */
  notBefore?: Date;
}

/** Makes sure the entry of `r` is installed; builds it unless it is (or becomes) valid. */
export async function ensureEntry(r: Recipe, b: EntryBuild): Promise<Manifest> {
  const { layout: l, progress } = b;
  const planned = stepCount(r);
  const ready = await cachedEntry(r, l, b.notBefore);
  if (ready) {
    progress.skip(r.component, r.version, planned);
    return ready;
  }
  const lock = await acquireLock(l.lock(r.component, r.version), {
    onWait: (holder) =>
      progress.note(r.component, r.version, `waiting for the build in process ${holder?.pid ?? '?'} (${l.lock(r.component, r.version)})`),
  });
  try {
    const built = await cachedEntry(r, l, b.notBefore);
    if (built) {
      progress.skip(r.component, r.version, planned);
      return built;
    }
    return await buildEntry(r, b);
  } finally {
    await lock.release();
  }
}

async function buildEntry(r: Recipe, b: EntryBuild): Promise<Manifest> {
  const { layout: l, progress } = b;
  const installDir = l.install(r.component, r.version);
  const prefix = l.tempPrefix(r.component, r.version);
  await removeTemps(prefix);
  const workDir = l.work(r.component, r.version);
  const workRoot = dirname(workDir);
  await mkdir(workDir, { recursive: true });
  await mkdir(dirname(prefix), { recursive: true });
  const outDir = await mkdtemp(prefix);
  await chmod(outDir, 0o755); // mkdtemp makes it 0700; the installed directory is an ordinary one
  const stepSeconds: Record<string, number> = {};
  b.log.line(`==> building ${r.component} ${r.version} with ${r.goToolchain} (log of pid ${process.pid})`);
  log.debug({ target: r.component, version: r.version, toolchain: r.goToolchain, log: b.log.path }, 'building');

  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    progress.start(r.component, r.version, name);
    b.log.line(`==> ${r.component} ${r.version}: ${name}`);
    const t0 = Date.now();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      b.log.line(`FAILED: ${r.component} ${r.version}: ${name}: ${errorMessage(err)}`);
      if (err instanceof PlinthError) throw err;
      throw new PlinthError('BUILD_FAILED', { component: r.component, version: r.version, step: name, log: b.log.path }, { cause: err });
    }
    stepSeconds[name] = Math.round((Date.now() - t0) / 100) / 10;
    b.log.line(`<== ${r.component} ${r.version}: ${name} took ${stepSeconds[name]}s`);
    log.debug({ target: r.component, version: r.version, step: name, seconds: stepSeconds[name] }, 'step done');
    progress.finish();
    return result;
  };
  const ctx: RecipeContext = { log: b.log, workDir, workRoot, outDir, step };

  try {
    await step('toolchain', async () => {
      const { stdout } = await runGo({ args: ['version'], cwd: workRoot, env: goEnv(process.env, r.goToolchain), log: b.log, captureStdout: true });
      if (!stdout.startsWith(`go version ${r.goToolchain} `)) throw new Error(`expected ${r.goToolchain}, go printed: ${stdout.trim()}`);
    });
    await r.build(ctx);
    const versionOutput = await step('verify', async () => {
      const out: Record<string, string> = {};
      for (const f of r.files) {
        const text = await binaryVersion(join(outDir, f));
        b.log.line(`${f} --version: ${text}`);
        if (!r.versionMatches(f, text)) throw new Error(`${f} --version printed "${text}", expected ${r.version}`);
        out[f] = text.split('\n')[0] ?? '';
      }
      return out;
    });
    return await step('install', async () => {
      const m: Manifest = {
        schema: MANIFEST_SCHEMA,
        ...manifestKey(r),
        files: [...r.files],
        builtAt: new Date().toISOString(),
        stepSeconds: { ...stepSeconds },
        versionOutput,
      };
      await writeManifest(join(outDir, basename(l.manifest(r.component, r.version))), m);
      await rm(installDir, { recursive: true, force: true });
      await rename(outDir, installDir);
      const seconds = Object.values(stepSeconds).reduce((a, x) => a + x, 0);
      log.debug({ target: r.component, version: r.version, dir: installDir, seconds: Math.round(seconds) }, 'installed');
      return m;
    });
  } catch (err) {
    await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** Removes temporary directories of earlier builds of this entry (their builders are gone: we hold the lock). */
async function removeTemps(prefix: string): Promise<void> {
  const dir = dirname(prefix);
  const start = basename(prefix);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(start)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
}
