// Assessment benchmark: 100,000 manifest objects (BENCH_OBJECTS) of realistic sizes (./corpus.ts: big CRDs,
// ConfigMaps with big data blocks, many small RBAC objects; ./generate.ts: multi-document files, Lists, JSON),
// ~2% of them through removed API versions. Times `plinth upgrade assess --to 1.34 -f DIR -o json` end to end
// (a new process, as a user runs it) and the peer (Pluto's detect-files, or the documented fallback) on the
// same files in the same run: seconds, objects/s, MB/s of input and peak memory, and checks both find the
// same removed-API objects. Target: ≤ 10 s for Plinth, with bounded memory.
// Then the start-up figures of the built CLI on one tiny file (./startup.ts; target ≤ 0.3 s).
//   npm run bench -- assess
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderFigures, type Figure } from '../lib/report.js';
import { generateManifests } from './generate.js';
import { choosePeer } from './peer.js';
import { startupFigures } from './startup.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const ROOT = resolve(import.meta.dirname, '..', '..');
const TIME = '/usr/bin/time';

interface Run {
  ms: number;
  stdout: string;
  status: number | null;
  stderr: string;
  /** Peak resident memory (MB), when /usr/bin/time is there to measure it. */
  rssMB?: number;
}

function timed(file: string, args: string[], cwd?: string): Run {
  const withTime = existsSync(TIME);
  const t = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'maxrss-kb %M', file, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(file, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  const m = /maxrss-kb (\d+)\s*$/.exec(r.stderr ?? '');
  return { ms, stdout: r.stdout, status: r.status, stderr: r.stderr, ...(m ? { rssMB: Number(m[1]) / 1024 } : {}) };
}

const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-assess-'));
try {
  const corpus = generateManifests(dir, OBJECTS);
  const mb = corpus.bytes / 1e6;
  const peer = choosePeer();
  const pc = peer.command(dir);
  timed(pc.file, pc.args); // warm the page cache for both
  const p = timed(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--to', '1.34', '-f', dir, '-o', 'json'], ROOT);
  if (p.status !== 3) throw new Error(`plinth exited ${p.status}: ${p.stderr}`);
  const report = JSON.parse(p.stdout) as { findings: { code: string }[]; sources: { objects: number }; errors: unknown[] };
  const q = timed(pc.file, pc.args);
  if (q.status !== 0) throw new Error(`${peer.name} exited ${q.status}: ${q.stderr}`);
  const peerOut = JSON.parse(q.stdout) as { items?: unknown[]; documents?: number };
  const peerHits = peerOut.items?.length;
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
    { metric: 'objects per second', unit: 'obj/s', better: 'higher', plinth: report.sources.objects / (p.ms / 1000), peers: { [peer.name]: (peerOut.documents ?? OBJECTS) / (q.ms / 1000) } },
    { metric: 'YAML/JSON read per second', unit: 'MB/s', better: 'higher', plinth: mb / (p.ms / 1000), peers: { [peer.name]: mb / (q.ms / 1000) } },
    ...(p.rssMB !== undefined ? [{ metric: 'peak memory (RSS)', unit: 'MB', better: 'lower' as const, plinth: p.rssMB, peers: { [peer.name]: q.rssMB } }] : []),
  ];
  const title = `assess: ${OBJECTS.toLocaleString('en')} objects, ${mb.toFixed(0)} MB in ${corpus.files.toLocaleString('en')} files (${corpus.removed} through removed versions)`;
  const { text, targetsMet } = renderFigures(title, figures);
  process.stdout.write(text);
  process.stdout.write(
    `peer: ${peer.note}\nremoved-API objects found: plinth ${plinthHits}, ${peer.name} ${peerHits ?? 'n/a'} (expected ${corpus.removed}); objects read: plinth ${report.sources.objects}, ${peer.name} ${peerOut.documents ?? 'n/a'}; plinth input errors: ${report.errors.length}. ` +
      `Plinth's time is a whole CLI run (node + tsx start-up included) that also checks flags, gates, PDB selectors and renders field changes.\n`,
  );
  process.stdout.write(`targets ${targetsMet ? 'met' : 'NOT met'}\n\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const start = renderFigures('assess start-up: the built CLI (node dist/app/cli/main.js), median of 9 runs', startupFigures(ROOT));
process.stdout.write(start.text + `targets ${start.targetsMet ? 'met' : 'NOT met'}\n\n`);
