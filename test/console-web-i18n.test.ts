// Unit tests of the web console's pure parts (no cluster): the en and zh-CN catalogues have the same keys and
// placeholders, no component hard-codes a user-visible string (JSX text or a text attribute), and the live
// pod updates of the release detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../web/src/i18n/en.js';
import { zhCN } from '../web/src/i18n/zh-CN.js';
import { applyPodEvent, concerns } from '../web/src/releaseLive.js';
import type { ChangeEvent, ReleaseDetail } from '../web/src/api/types.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

test('en and zh-CN have the same keys, each non-empty, with the same placeholders', () => {
  const a = Object.keys(en).sort();
  const b = Object.keys(zhCN).sort();
  assert.deepEqual(b, a);
  for (const k of a) {
    const e = (en as Record<string, string>)[k]!;
    const z = (zhCN as Record<string, string>)[k]!;
    assert.ok(e.trim() !== '' && z.trim() !== '', `${k} is empty`);
    assert.deepEqual(placeholders(z), placeholders(e), `${k}: placeholders differ`);
  }
  // The Chinese catalogue is Chinese: most of its strings have Han characters.
  const han = Object.values(zhCN).filter((s) => /[\u4e00-\u9fff]/.test(s)).length;
  assert.ok(han > a.length * 0.8, `${han} of ${a.length} zh-CN strings have Chinese`);
});

function tsxFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) tsxFiles(p, out);
    else if (e.name.endsWith('.tsx')) out.push(p);
  }
  return out;
}

/** Pure: user-visible string literals in JSX: text between tags, and text attributes given as literals. */
function hardCoded(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/>([^<>{}]*)<\//g)) {
    const text = m[1]!.trim();
    if (/[A-Za-z\u4e00-\u9fff]/.test(text)) found.push(text);
  }
  for (const m of source.matchAll(/\b(title|placeholder|label|okText|cancelText|description|alt|aria-label)="([^"]*)"/g)) {
    if (/[A-Za-z\u4e00-\u9fff]/.test(m[2]!)) found.push(`${m[1]}="${m[2]}"`);
  }
  return found;
}

test('the check finds hard-coded strings', () => {
  assert.deepEqual(hardCoded('<Button>Sign in</Button>'), ['Sign in']);
  assert.deepEqual(hardCoded('<Input placeholder="Search" />'), ['placeholder="Search"']);
  assert.deepEqual(hardCoded('<Button>{t("signin.submit")}</Button><span>{a}/{b}</span>'), []);
});

test('no component hard-codes a user-visible string', () => {
  const files = tsxFiles('web/src');
  assert.ok(files.length >= 10, `found ${files.length} .tsx files`);
  const offenders = files.flatMap((f) => hardCoded(readFileSync(f, 'utf8')).map((s) => `${f}: ${s}`));
  assert.deepEqual(offenders, []);
});

const detail: ReleaseDetail = {
  status: {
    namespace: 'shop',
    releaseOrder: 'web-abc',
    target: { kind: 'CellDeployment', name: 'web' },
    phase: 'Running',
    fromRevision: 'r1',
    toRevision: 'r2',
    spec: { confirmedBatches: 1, paused: false, rollback: false },
    currentBatch: { index: 1, number: 2 },
    batchCount: 2,
    pods: { total: 2, done: 1 },
    batches: [],
    units: [],
    checks: [],
    next: { action: 'wait', message: '', command: null },
  },
  pods: [
    { name: 'web-0', unit: 'zone-a', node: 'n1', revision: 'r2', batch: 0, state: 'ready', ready: true },
    { name: 'web-1', unit: 'zone-b', node: 'n2', revision: 'r1', batch: 1, state: 'waiting', ready: true },
  ],
  history: [],
};

const ev = (o: Partial<ChangeEvent>): ChangeEvent => ({ type: 'MODIFIED', kind: 'Pod', namespace: 'shop', name: 'web-1', resourceVersion: '1', summary: {}, ...o });

test('a Pod event changes that pod cell only; other events leave the detail as it is', () => {
  const next = applyPodEvent(detail, ev({ summary: { state: 'updating', ready: false, revision: 'r2' } }));
  assert.deepEqual(next.pods.map((p) => [p.name, p.state, p.ready, p.revision]), [['web-0', 'ready', true, 'r2'], ['web-1', 'updating', false, 'r2']]);
  assert.equal(detail.pods[1]!.state, 'waiting', 'the input is not changed');
  assert.equal(applyPodEvent(detail, ev({ name: 'other', summary: { state: 'ready' } })), detail);
  assert.equal(applyPodEvent(detail, ev({ namespace: 'elsewhere', summary: { state: 'ready' } })), detail);
  assert.equal(applyPodEvent(detail, ev({ summary: { state: 'bogus' } })), detail);
  assert.equal(applyPodEvent(detail, ev({ kind: 'ReleaseOrder', summary: { state: 'ready' } })), detail);
});

test('ReleaseOrder and CellDeployment events of this release reload it; others do not', () => {
  assert.equal(concerns(detail, ev({ kind: 'ReleaseOrder', name: 'web-abc' })), true);
  assert.equal(concerns(detail, ev({ kind: 'ReleaseOrder', name: 'web-new', summary: { cellDeployment: 'web' } })), true);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'web' })), true);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'api' })), false);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'web', namespace: 'other' })), false);
  assert.equal(concerns(detail, ev({ kind: 'Pod' })), false);
});
