/**
 * kwok (nodes and pods simulated against a real API server), built through a wrapper module whose
 * main runs kwok's own command after registering more Kubernetes types with kwok's CEL environment
 * (see kwok-wrapper.ts and docs/adr/0012-kwok-cel-stages.md).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goEnv, runGo } from './gorun.js';
import { kwokGoMod, KWOK_MAIN_GO } from './kwok-wrapper.js';
import { PLAIN_LDFLAGS } from './ldflags.js';
import type { Recipe, RecipeContext } from './recipe.js';
import type { ToolPin } from './versions.js';

/** Revision 1: the wrapper module (revision 0 was `go install sigs.k8s.io/kwok/cmd/kwok@v`). */
export const KWOK_REVISION = 1;

export function kwokRecipe(pin: ToolPin): Recipe {
  const v = pin.version;
  const bare = v.replace(/^v/, '');
  return {
    component: 'kwok',
    version: v,
    goToolchain: pin.goToolchain,
    revision: KWOK_REVISION,
    files: ['kwok'],
    steps: ['build'],
    versionMatches: (_file, output) => new RegExp(`\\bv?${bare.replace(/\./g, '\\.')}\\b`).test(output),
    build: async (ctx: RecipeContext): Promise<void> => {
      await ctx.step('build', async () => {
        await writeFile(join(ctx.workDir, 'go.mod'), kwokGoMod(v));
        await writeFile(join(ctx.workDir, 'main.go'), KWOK_MAIN_GO);
        await runGo({
          args: ['build', '-trimpath', '-ldflags', PLAIN_LDFLAGS, '-o', join(ctx.outDir, 'kwok'), '.'],
          cwd: ctx.workDir,
          env: goEnv(process.env, pin.goToolchain, { GOFLAGS: '-mod=mod -buildvcs=false' }),
          log: ctx.log,
        });
      });
    },
  };
}
