/**
 * Kubernetes' control-plane commands built from k8s.io/kubernetes through a wrapper module that
 * points every staging module at its published version; all three commands in one `go build`
 * so the packages they share compile once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubernetesGoMod, parseStagingModules } from './gomod.js';
import { goEnv, runGo } from './gorun.js';
import { kubeLdflags } from './ldflags.js';
import type { Recipe, RecipeContext } from './recipe.js';
import { resolveModule } from './resolve.js';
import type { KubePin } from './versions.js';

export const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

const PACKAGES = KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`);

/** Build tags: no in-tree cloud providers (smaller, faster, and what kind/kwok use). */
export const KUBE_TAGS = 'providerless';

export function kubernetesRecipe(pin: KubePin): Recipe {
  const v = pin.kubernetes;
  return {
    component: 'kubernetes',
    version: v,
    goToolchain: pin.goToolchain,
    files: KUBE_COMMANDS,
    steps: ['resolve', 'download', 'build'],
    versionMatches: (_file, output) => new RegExp(`^Kubernetes ${v.replace(/\./g, '\\.')}$`, 'm').test(output),
    build: async (ctx: RecipeContext): Promise<void> => {
      const modEnv = goEnv(process.env, pin.goToolchain, { GOFLAGS: '-mod=mod -buildvcs=false' });
      const goMod = await ctx.step('resolve', async () => {
        const { goMod: text, goVersion } = await resolveModule(ctx, 'k8s.io/kubernetes', v, pin.goToolchain);
        const staging = parseStagingModules(text);
        if (staging.length === 0) throw new Error(`no ./staging replace directives in k8s.io/kubernetes@${v}'s go.mod`);
        ctx.log.line(`staging modules (${staging.length}): ${staging.join(' ')}`);
        return kubernetesGoMod({ kubernetes: v, goVersion, staging });
      });
      await ctx.step('download', async () => {
        await writeFile(join(ctx.workDir, 'go.mod'), goMod);
        await runGo({
          args: ['list', '-deps', '-tags', KUBE_TAGS, '-f', '{{if not .Standard}}{{.ImportPath}}{{end}}', ...PACKAGES],
          cwd: ctx.workDir,
          env: modEnv,
          log: ctx.log,
          captureStdout: true,
        });
      });
      await ctx.step('build', async () => {
        await runGo({
          args: ['build', '-tags', KUBE_TAGS, '-trimpath', '-ldflags', kubeLdflags(v), '-o', `${ctx.outDir}/`, ...PACKAGES],
          cwd: ctx.workDir,
          env: modEnv,
          log: ctx.log,
        });
      });
    },
  };
}
