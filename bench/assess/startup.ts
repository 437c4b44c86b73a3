/**
 * Start-up figures (issue #22 point 2): the shipped CLI (dist/, built first as `npm run build` does)
 * assessing one tiny file, next to `plinth --version` and `kubectl version --client` when kubectl is on
 * PATH. Each figure is the median wall time of RUNS new processes. Target: ≤ 0.3 s for the assessment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from '../lib/report.js';

const RUNS = 9;

function medianSeconds(file: string, args: string[]): number | undefined {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(file, args, { encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    if (i > 0) times.push((performance.now() - t) / 1000); // the first run warms the page cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Builds dist/ in root, then measures; returns the figures for renderFigures. */
export function startupFigures(root: string): Figure[] {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  const main = join(root, 'dist', 'app', 'cli', 'main.js');
  const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-startup-'));
  try {
    const tiny = join(dir, 'tiny.yaml');
    writeFileSync(tiny, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    const kubectl = medianSeconds('kubectl', ['version', '--client']);
    const assess = medianSeconds(process.execPath, [main, 'upgrade', 'assess', '--to', '1.32', '-f', tiny]);
    if (assess === undefined) throw new Error('plinth upgrade assess on a tiny file failed');
    const version = medianSeconds(process.execPath, [main, '--version']);
    return [
      { metric: 'start: upgrade assess, 1 tiny file', unit: 's', better: 'lower', plinth: assess, peers: { 'kubectl version --client': kubectl }, target: '≤ 0.3', check: (v) => v <= 0.3 },
      { metric: 'start: plinth --version', unit: 's', better: 'lower', plinth: version ?? Number.NaN, peers: { 'kubectl version --client': kubectl } },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
