/**
 * The `resolve` step every wrapper-module recipe starts with: download a module's go.mod from the module
 * proxy and read its `go` directive, refusing a module that needs a newer Go than the pinned toolchain.
 */
import { readFile } from 'node:fs/promises';
import { compareGoVersions, parseGoDirective } from './gomod.js';
import { goEnv, runGo } from './gorun.js';
import { parseModDownload, type RecipeContext } from './recipe.js';

export interface ResolvedModule {
  /** The module's go.mod, as the proxy serves it. */
  goMod: string;
  /** Its `go` directive, e.g. "1.24.0". */
  goVersion: string;
}

export async function resolveModule(ctx: RecipeContext, module: string, version: string, goToolchain: string): Promise<ResolvedModule> {
  const { stdout } = await runGo({
    args: ['mod', 'download', '-json', `${module}@${version}`],
    cwd: ctx.workRoot,
    env: goEnv(process.env, goToolchain),
    log: ctx.log,
    captureStdout: true,
  });
  const goMod = await readFile(parseModDownload(stdout).goMod, 'utf8');
  const goVersion = parseGoDirective(goMod);
  if (!goVersion) throw new Error(`no go directive in ${module}@${version}'s go.mod`);
  if (compareGoVersions(goVersion, goToolchain) > 0) throw new Error(`${module}@${version} needs go ${goVersion}, newer than the pinned ${goToolchain}`);
  return { goMod, goVersion };
}
