/**
 * Helm chart directories given to -f: when `helm` is on PATH, a directory with a Chart.yaml is rendered
 * with `helm template` (default values) and its output assessed; each object keeps its template's name
 * from Helm's `# Source:` comment. Without helm the directory is walked as before, and its unrendered
 * templates get the "render it with `helm template`" error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Identity } from '../types.js';

export const isChartDir = (dir: string): boolean => existsSync(join(dir, 'Chart.yaml'));

/** The helm binary on PATH, if any. */
export function helmOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const d of (env.PATH ?? '').split(delimiter)) {
    if (d && existsSync(join(d, 'helm'))) return join(d, 'helm');
  }
  return undefined;
}

/** `helm template DIR`: the rendered manifests, or helm's own first error line. */
export function renderChart(helm: string, dir: string): { text: string } | { error: string } {
  const r = spawnSync(helm, ['template', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 0) return { text: r.stdout };
  const why = (r.stderr || r.error?.message || `exit ${String(r.status)}`).trim().split('\n')[0];
  return { error: `helm template failed: ${why}` };
}

/**
 * Where a rendered object came from: its template file (Helm's `# Source: CHART/templates/x.yaml`, under
 * the chart directory's parent), without a line, since rendered lines are not the template's lines.
 */
export function chartIdentity(chartDir: string, template: string | undefined, identity: Identity): Identity {
  const { line: _line, ...rest } = identity;
  return { ...rest, file: template ? join(dirname(chartDir), template) : chartDir };
}
