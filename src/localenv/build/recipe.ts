/**
 * What a component build looks like to the generic machinery in entry.ts: the files it makes,
 * its steps (for progress) and the function that makes the files in a temporary directory.
 */
import type { BuildLog } from './gorun.js';
import type { ComponentName } from './paths.js';

export interface RecipeContext {
  log: BuildLog;
  /** The wrapper module / scratch directory of this component (kept between builds). */
  workDir: string;
  /** Parent of all work directories: a directory without a go.mod. */
  workRoot: string;
  /** Where the binaries must be written (a fresh temporary directory). */
  outDir: string;
  /** Runs one named step; steps must be run in the order of `Recipe.steps`. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface Recipe {
  component: ComponentName;
  version: string;
  goToolchain: string;
  /**
   * This component's own recipe revision (absent = 0): bump it when only this component's build
   * changes, so that its entries are rebuilt and the others' are kept (RECIPE rebuilds all).
   */
  revision?: number;
  /** Binary file names produced into `outDir`. */
  files: readonly string[];
  /** Step names `build` runs, in order (the generic toolchain/verify/install steps are added around them). */
  steps: readonly string[];
  build(ctx: RecipeContext): Promise<void>;
  /** Whether `<file> --version` printed the pinned version. */
  versionMatches(file: string, output: string): boolean;
}

/** Parses the JSON `go mod download -json mod@version` prints; throws on its Error field. */
export function parseModDownload(stdout: string): { goMod: string; dir: string } {
  const v = JSON.parse(stdout) as { GoMod?: string; Dir?: string; Error?: string };
  if (v.Error) throw new Error(v.Error);
  if (!v.GoMod) throw new Error('go mod download printed no GoMod');
  return { goMod: v.GoMod, dir: v.Dir ?? '' };
}
