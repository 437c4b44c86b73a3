// Assessment benchmark: 100,000 manifest objects (BENCH_OBJECTS) in files of 1,000 documents, ~2% of them
// through removed API versions. Times `plinth upgrade assess --to 1.34 -f DIR -o json` end to end (a new
// process, as a user runs it) and the peer (Pluto's detect-files, or the documented fallback) on the same
// files in the same run, and checks both find the same removed-API objects. Target: ≤ 10 s for Plinth.
// Then the start-up figures of the built CLI on one tiny file (./startup.ts; target ≤ 0.3 s).
//   npm run bench -- assess
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderFigures, type Figure } from '../lib/report.js';
import { generateManifests } from './generate.js';
import { choosePeer } from './peer.js';
import { startupFigures } from './startup.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const PER_FILE = Number(process.env.BENCH_PER_FILE ?? 1_000);
const ROOT = resolve(import.meta.dirname, '..', '..');

function timed(file: string, args: string[], cwd?: string): { ms: number; stdout: string; status: number | null; stderr: string } {
  const t = performance.now();
  const r = spawnSync(file, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: performance.now() - t, stdout: r.stdout, status: r.status, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-assess-'));
try {
  const old = generateManifests(dir, OBJECTS, PER_FILE);
  const peer = choosePeer();
  const pc = peer.command(dir);
  timed(pc.file, pc.args); // warm the page cache for both
  const p = timed(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--to', '1.34', '-f', dir, '-o', 'json'], ROOT);
  if (p.status !== 3) throw new Error(`plinth exited ${p.status}: ${p.stderr}`);
  const report = JSON.parse(p.stdout) as { findings: { code: string }[]; sources: { objects: number } };
  const q = timed(pc.file, pc.args);
  const peerHits = (JSON.parse(q.stdout) as { items?: unknown[] }).items?.length;
  const plinthHits = report.findings.filter((f) => f.code === 'removed-api').length;
  const figures: Figure[] = [
    {
      metric: `assess ${OBJECTS.toLocaleString('en')} objects`,
      unit: 's',
      better: 'lower',
      plinth: p.ms / 1000,
      peers: { [peer.name]: q.ms / 1000 },
      target: '≤ 10',
      check: (v) => v <= 10,
    },
    { metric: 'objects per second', unit: 'obj/s', better: 'higher', plinth: report.sources.objects / (p.ms / 1000), peers: { [peer.name]: OBJECTS / (q.ms / 1000) } },
  ];
  const { text, targetsMet } = renderFigures(`assess: ${OBJECTS} manifest objects in ${Math.ceil(OBJECTS / PER_FILE)} files (${old} through removed versions)`, figures);
  process.stdout.write(text);
  process.stdout.write(
    `peer: ${peer.note}\nremoved-API objects found: plinth ${plinthHits}, ${peer.name} ${peerHits ?? 'n/a'} (expected ${old}); ` +
      `Plinth's time is a whole CLI run (node + tsx start-up included) that also checks flags, gates, PDB selectors and renders field changes.\n`,
  );
  process.stdout.write(`targets ${targetsMet ? 'met' : 'NOT met'}\n\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const start = renderFigures('assess start-up: the built CLI (node dist/app/cli/main.js), median of 9 runs', startupFigures(ROOT));
process.stdout.write(start.text + `targets ${start.targetsMet ? 'met' : 'NOT met'}\n\n`);
