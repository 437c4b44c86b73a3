// The layer order of docs/architecture.md holds: dependency-cruiser with the project's rules
// (.dependency-cruiser.cjs) finds no import against the order, no circle, no dead module in src/;
// and the same rules do refuse each kind of violation in a small tree made for the purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string): Violation[] {
  const r = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.ok(r.stdout.startsWith('{'), `depcruise printed no report: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('src/ keeps the layer order: no import upward, no circle, no dead module', { timeout: 180_000 }, () => {
  const found = cruise(ROOT).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  assert.deepEqual(found, []);
});

test('the rules refuse an upward import, a domain importing another, a circle and a dead module', { timeout: 180_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-layers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    'package.json': JSON.stringify({ type: 'module' }),
    'src/app/cli/main.ts': "import { k } from '../../kube/k.js';\nimport { r } from '../../release/r.js';\nexport const m = k + r;\n",
    'src/kube/k.ts': "import { a } from '../app/cli/main.js';\nexport const k = String(a);\n",
    'src/release/r.ts': "import { u } from '../upgrade/u.js';\nexport const r = u;\n",
    'src/upgrade/u.ts': "import { v } from './v.js';\nexport const u = v;\n",
    'src/upgrade/v.ts': "import { u } from './u.js';\nexport const v = 'v' + u;\n",
    'src/kube/dead.ts': "import { k } from './k.js';\nexport const d = k;\n",
  };
  files['src/kube/k.ts'] = "import { m as a } from '../app/cli/main.js';\nexport const k = String(a);\n";
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const rules = new Set(cruise(dir).map((v) => `${v.rule.name} ${v.from}`));
  for (const want of [
    'layer-kube src/kube/k.ts', // kube imports app
    'domain-release-alone src/release/r.ts', // a domain imports another
    'no-circular src/upgrade/u.ts', // u ↔ v
    'no-dead-modules src/kube/dead.ts', // nothing reaches it
  ]) {
    assert.ok(rules.has(want), `expected "${want}" among: ${[...rules].join('; ')}`);
  }
});
