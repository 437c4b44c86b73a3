/**
 * kwok (nodes and pods simulated against a real API server), built through a wrapper module whose
 * main runs kwok's own command after registering more Kubernetes types with kwok's CEL environment
 * (see kwok-wrapper.ts and docs/adr/0012-kwok-cel-stages.md).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goEnv, runGo } from './gorun.js';
import { parseRequiredVersion } from './gomod.js';
import { KWOK_DIRECT_MODULES, kwokGoMod, KWOK_MAIN_GO, type KwokModule } from './kwok-wrapper.js';
import { PLAIN_LDFLAGS } from './ldflags.js';
import type { Recipe, RecipeContext } from './recipe.js';
import { resolveModule } from './resolve.js';
import type { ToolPin } from './versions.js';

/** Revision 1: the wrapper module (revision 0 was `go install sigs.k8s.io/kwok/cmd/kwok@v`). */
export const KWOK_REVISION = 1;

const KWOK_MODULE = 'sigs.k8s.io/kwok';

export function kwokRecipe(pin: ToolPin): Recipe {
  const v = pin.version;
  const bare = v.replace(/^v/, '');
  return {
    component: 'kwok',
    version: v,
    goToolchain: pin.goToolchain,
    revision: KWOK_REVISION,
    files: ['kwok'],
    steps: ['resolve', 'build'],
    versionMatches: (_file, output) => new RegExp(`\\bv?${bare.replace(/\./g, '\\.')}\\b`).test(output),
    build: async (ctx: RecipeContext): Promise<void> => {
      const goMod = await ctx.step('resolve', async () => {
        const { goMod: text, goVersion } = await resolveModule(ctx, KWOK_MODULE, v, pin.goToolchain);
        const requires = Object.fromEntries(
          KWOK_DIRECT_MODULES.map((m) => {
            const version = parseRequiredVersion(text, m);
            if (!version) throw new Error(`${KWOK_MODULE}@${v}'s go.mod does not require ${m}, which the wrapper imports`);
            return [m, version];
          }),
        ) as KwokModule['requires'];
        return kwokGoMod({ kwok: v, goVersion, requires });
      });
      await ctx.step('build', async () => {
        await writeFile(join(ctx.workDir, 'go.mod'), goMod);
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
