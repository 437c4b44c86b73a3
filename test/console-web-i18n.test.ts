// Unit tests of the web console's pure parts (no cluster): the en and zh-CN catalogues have the same keys and
// placeholders, no component hard-codes a user-visible string (JSX text or a text attribute), the live pod
// updates of the release detail, the grid's grouping, query strings and durations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../web/src/i18n/en.js';
import { zhCN } from '../web/src/i18n/zh-CN.js';
import { applyPodEvent, applyPodEvents, concerns } from '../web/src/releaseLive.js';
import type { ChangeEvent, ReleaseDetail } from '../web/src/api/types.js';
import { query } from '../web/src/api/client.js';
import { duration, secondsBetween } from '../web/src/components/format.js';
import { groupPods } from '../web/src/podGroups.js';

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

test('a burst of Pod events is applied in one pass, in order; the last event of a pod wins', () => {
  const next = applyPodEvents(detail, [
    ev({ summary: { state: 'draining' } }),
    ev({ name: 'web-0', summary: { state: 'failed' } }),
    ev({ kind: 'ReleaseOrder', summary: { state: 'ready' } }),
    ev({ summary: { state: 'updating', revision: 'r2' } }),
  ]);
  assert.deepEqual(next.pods.map((p) => [p.name, p.state, p.revision]), [['web-0', 'failed', 'r2'], ['web-1', 'updating', 'r2']]);
  assert.equal(applyPodEvents(detail, []), detail, 'nothing to apply: the same object (no render)');
});

test('ReleaseOrder and CellDeployment events of this release reload it; others do not', () => {
  assert.equal(concerns(detail, ev({ kind: 'ReleaseOrder', name: 'web-abc' })), true);
  assert.equal(concerns(detail, ev({ kind: 'ReleaseOrder', name: 'web-new', summary: { cellDeployment: 'web' } })), true);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'web' })), true);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'api' })), false);
  assert.equal(concerns(detail, ev({ kind: 'CellDeployment', name: 'web', namespace: 'other' })), false);
  assert.equal(concerns(detail, ev({ kind: 'Pod' })), false);
});

test('pods grouped by unit (sorted) then batch, pods the release does not change under null', () => {
  const pod = (name: string, unit: string, batch: number | null): ReleaseDetail['pods'][number] => ({ name, unit, batch, node: null, revision: 'r', state: 'ready', ready: true });
  const g = groupPods([pod('b1', 'zone-b', 1), pod('a0', 'zone-a', 0), pod('a1', 'zone-a', 1), pod('a2', 'zone-a', 1), pod('c', 'zone-c', null)]);
  assert.deepEqual([...g.keys()], ['zone-a', 'zone-b', 'zone-c']);
  assert.deepEqual([...g.get('zone-a')!.entries()].map(([b, ps]) => [b, ps.map((p) => p.name)]), [[0, ['a0']], [1, ['a1', 'a2']]]);
  assert.deepEqual(g.get('zone-c')!.get(null)!.map((p) => p.name), ['c']);
});

test('query strings keep only set values; durations and spans read as people write them', () => {
  assert.equal(query({ namespace: 'shop', phase: '', limit: 200, continue: null, x: undefined }), '?namespace=shop&limit=200');
  assert.equal(query({ a: '' }), '');
  assert.equal(query({ continue: 'a b&c' }), '?continue=a+b%26c');
  assert.equal(duration(null), '—');
  assert.equal(duration(42), '42s');
  assert.equal(duration(125), '2m5s');
  assert.equal(duration(3 * 3600 + 120), '3h2m');
  assert.equal(secondsBetween('2026-01-01T00:00:00Z', '2026-01-01T00:01:30Z'), 90);
  assert.equal(secondsBetween('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:00:10Z')), 10);
  assert.equal(secondsBetween(null, null), null);
});
