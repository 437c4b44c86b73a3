import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { cachedEntry, ensureEntry, stepCount } from './entry.js';
import { BuildLog } from './gorun.js';
import { layout, type Layout } from './paths.js';
import { ProgressTracker } from './progress.js';
import type { Recipe } from './recipe.js';
import type { BuildProgress } from './types.js';

// A fake `go` on PATH: these tests cover the lock/temp/verify/install machinery, not Go.
before(async () => {
  const bin = await mkdtemp(join(tmpdir(), 'plinth-fakego-'));
  await writeFile(join(bin, 'go'), '#!/bin/sh\nif [ "$1" = version ]; then echo "go version $GOTOOLCHAIN linux/amd64"; exit 0; fi\nexit 3\n');
  await chmod(join(bin, 'go'), 0o755);
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
});

interface Fake {
  recipe: Recipe;
  builds: number;
}

function fakeRecipe(opts: { prints?: string; failAt?: string; delayMs?: number } = {}): Fake {
  const fake: Fake = {
    builds: 0,
    recipe: {
      component: 'kwok',
      version: 'v9.9.9',
      goToolchain: 'go1.0.0',
      files: ['tool'],
      steps: ['fetch', 'build'],
      versionMatches: (_f, out) => out.includes('v9.9.9'),
      build: async (ctx): Promise<void> => {
        fake.builds += 1;
        await ctx.step('fetch', async () => {
          if (opts.failAt === 'fetch') throw new Error('network down');
          await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
        });
        await ctx.step('build', async () => {
          const f = join(ctx.outDir, 'tool');
          await writeFile(f, `#!/bin/sh\necho "tool version ${opts.prints ?? 'v9.9.9'}"\n`);
          await chmod(f, 0o755);
        });
      },
    },
  };
  return fake;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<{ l: Layout; log: BuildLog; events: BuildProgress[]; progress: ProgressTracker }> {
  const root = await mkdtemp(join(tmpdir(), 'plinth-entry-'));
  const log = await BuildLog.open(join(root, 'logs', 'build.log'));
  t.after(async () => {
    await log.close();
    await rm(root, { recursive: true, force: true });
  });
  const events: BuildProgress[] = [];
  return { l: layout(root), log, events, progress: new ProgressTracker((p) => events.push(p)) };
}

void test('builds once, installs with a manifest, then reuses the cache', async (t) => {
  const { l, log, events, progress } = await setup(t);
  const f = fakeRecipe();
  progress.plan(stepCount(f.recipe));
  const m = await ensureEntry(f.recipe, { layout: l, log, progress });
  assert.equal(m.version, 'v9.9.9');
  assert.deepEqual(m.versionOutput, { tool: 'tool version v9.9.9' });
  assert.deepEqual(Object.keys(m.stepSeconds), ['toolchain', 'fetch', 'build', 'verify']);
  assert.deepEqual(
    events.map((e) => `${e.step} ${e.done}/${e.total}`),
    ['toolchain 0/5', 'fetch 1/5', 'build 2/5', 'verify 3/5', 'install 4/5'],
  );
  assert.deepEqual((await readdir(l.install('kwok', 'v9.9.9'))).sort(), ['manifest.json', 'tool']);
  assert.deepEqual((await readdir(join(l.root, 'kwok'))).sort(), ['v9.9.9'], 'no temporary directory left');
  assert.match(await readFile(log.path, 'utf8'), /go version go1\.0\.0/);

  await ensureEntry(f.recipe, { layout: l, log, progress });
  assert.equal(f.builds, 1);
  assert.ok(await cachedEntry(f.recipe, l));
});

void test('two concurrent callers build once', async (t) => {
  const { l, log, progress } = await setup(t);
  const f = fakeRecipe({ delayMs: 300 });
  const [a, b] = await Promise.all([
    ensureEntry(f.recipe, { layout: l, log, progress }),
    ensureEntry(f.recipe, { layout: l, log, progress }),
  ]);
  assert.equal(f.builds, 1);
  assert.equal(a.builtAt, b.builtAt);
});

void test('a binary printing the wrong version fails at verify and installs nothing', async (t) => {
  const { l, log, progress } = await setup(t);
  const f = fakeRecipe({ prints: 'v1.0.0' });
  const err = await ensureEntry(f.recipe, { layout: l, log, progress }).catch((e: unknown) => e);
  assert.ok(err instanceof PlinthError);
  assert.equal(err.code, 'BUILD_FAILED');
  assert.deepEqual(err.params, { component: 'kwok', version: 'v9.9.9', step: 'verify', log: log.path });
  assert.match(err.userLine(), /building kwok v9\.9\.9 failed at step "verify".*see the build log at /);
  assert.deepEqual(await readdir(join(l.root, 'kwok')), [], 'temporary directory removed');
  assert.equal(await cachedEntry(f.recipe, l), undefined);
});

void test('a failing step names the step and keeps the cause', async (t) => {
  const { l, log, progress } = await setup(t);
  const err = await ensureEntry(fakeRecipe({ failAt: 'fetch' }).recipe, { layout: l, log, progress }).catch((e: unknown) => e);
  assert.ok(err instanceof PlinthError);
  assert.equal(err.params.step, 'fetch');
  assert.match(String((err.cause as Error).message), /network down/);
  assert.match(await readFile(log.path, 'utf8'), /FAILED: kwok v9\.9\.9: fetch: network down/);
});

void test('a forced rebuild ignores entries built before it; leftovers of killed builds are removed', async (t) => {
  const { l, log, progress } = await setup(t);
  const f = fakeRecipe();
  await ensureEntry(f.recipe, { layout: l, log, progress });
  const leftover = `${l.tempPrefix('kwok', 'v9.9.9')}dead`;
  await mkdir(leftover);
  await new Promise((r) => setTimeout(r, 5));
  await ensureEntry(f.recipe, { layout: l, log, progress, notBefore: new Date() });
  assert.equal(f.builds, 2);
  assert.deepEqual(await readdir(join(l.root, 'kwok')), ['v9.9.9']);
});
