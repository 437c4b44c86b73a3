/**
 * Kubernetes' control-plane commands built from k8s.io/kubernetes through a wrapper module that
 * points every staging module at its published version; all three commands in one `go build`
 * so the packages they share compile once.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareGoVersions, kubernetesGoMod, parseGoDirective, parseStagingModules } from './gomod.js';
import { goEnv, runGo } from './gorun.js';
import { kubeLdflags } from './ldflags.js';
import { parseModDownload, type Recipe, type RecipeContext } from './recipe.js';
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
      const env = goEnv(process.env, pin.goToolchain);
      const modEnv = goEnv(process.env, pin.goToolchain, { GOFLAGS: '-mod=mod -buildvcs=false' });
      const goMod = await ctx.step('resolve', async () => {
        const { stdout } = await runGo({
          args: ['mod', 'download', '-json', `k8s.io/kubernetes@${v}`],
          cwd: ctx.workRoot,
          env,
          log: ctx.log,
          captureStdout: true,
        });
        const text = await readFile(parseModDownload(stdout).goMod, 'utf8');
        const staging = parseStagingModules(text);
        const goVersion = parseGoDirective(text);
        if (staging.length === 0) throw new Error(`no ./staging replace directives in k8s.io/kubernetes@${v}'s go.mod`);
        if (!goVersion) throw new Error(`no go directive in k8s.io/kubernetes@${v}'s go.mod`);
        if (compareGoVersions(goVersion, pin.goToolchain) > 0) {
          throw new Error(`k8s.io/kubernetes@${v} needs go ${goVersion}, newer than the pinned ${pin.goToolchain}`);
        }
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
