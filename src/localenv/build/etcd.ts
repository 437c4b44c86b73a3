/**
 * etcd's server built from go.etcd.io/etcd/server/v3 through a wrapper module whose main calls
 * etcdmain.Main (etcd's own main module has replace directives, so `go install @v` refuses it).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ETCD_MAIN_GO, etcdGoMod } from './gomod.js';
import { goEnv, runGo } from './gorun.js';
import { PLAIN_LDFLAGS } from './ldflags.js';
import type { Recipe, RecipeContext } from './recipe.js';
import { resolveModule } from './resolve.js';
import type { ToolPin } from './versions.js';

const SERVER_MODULE = 'go.etcd.io/etcd/server/v3';

export function etcdRecipe(pin: ToolPin): Recipe {
  const v = pin.version;
  const bare = v.replace(/^v/, '');
  return {
    component: 'etcd',
    version: v,
    goToolchain: pin.goToolchain,
    files: ['etcd'],
    steps: ['resolve', 'build'],
    versionMatches: (_file, output) => new RegExp(`^etcd Version: ${bare.replace(/\./g, '\\.')}$`, 'm').test(output),
    build: async (ctx: RecipeContext): Promise<void> => {
      const { goVersion } = await ctx.step('resolve', () => resolveModule(ctx, SERVER_MODULE, v, pin.goToolchain));
      await ctx.step('build', async () => {
        await writeFile(join(ctx.workDir, 'go.mod'), etcdGoMod(v, goVersion));
        await writeFile(join(ctx.workDir, 'main.go'), ETCD_MAIN_GO);
        await runGo({
          args: ['build', '-trimpath', '-ldflags', PLAIN_LDFLAGS, '-o', join(ctx.outDir, 'etcd'), '.'],
          cwd: ctx.workDir,
          env: goEnv(process.env, pin.goToolchain, { GOFLAGS: '-mod=mod -buildvcs=false' }),
          log: ctx.log,
        });
      });
    },
  };
}
