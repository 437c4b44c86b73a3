/**
 * kwok (nodes and pods simulated against a real API server) installed with `go install @version`.
 */
import { goEnv, runGo } from './gorun.js';
import { PLAIN_LDFLAGS } from './ldflags.js';
import type { Recipe, RecipeContext } from './recipe.js';
import type { ToolPin } from './versions.js';

export function kwokRecipe(pin: ToolPin): Recipe {
  const v = pin.version;
  const bare = v.replace(/^v/, '');
  return {
    component: 'kwok',
    version: v,
    goToolchain: pin.goToolchain,
    files: ['kwok'],
    steps: ['build'],
    versionMatches: (_file, output) => new RegExp(`\\bv?${bare.replace(/\./g, '\\.')}\\b`).test(output),
    build: async (ctx: RecipeContext): Promise<void> => {
      await ctx.step('build', async () => {
        await runGo({
          args: ['install', '-trimpath', '-ldflags', PLAIN_LDFLAGS, `sigs.k8s.io/kwok/cmd/kwok@${v}`],
          cwd: ctx.workDir,
          env: goEnv(process.env, pin.goToolchain, { GOBIN: ctx.outDir }),
          log: ctx.log,
        });
      });
    },
  };
}
