import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient, RequestOptions } from './http.js';
import { continueFromPrefix, listPages } from './pager.js';
import type { ResourceRef } from './resource.js';

void test('reads the continue token from the first bytes of a list', () => {
  const page = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":9500},"items":[{"metadata":{"name":"a"';
  assert.equal(continueFromPrefix(page), 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ');
  assert.equal(continueFromPrefix(Buffer.from(page)), 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ');
});

void test('last page: metadata without a token', () => {
  assert.equal(continueFromPrefix('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"99"},"items":[]}'), '');
});

void test('unknown when the prefix does not show the list metadata', () => {
  assert.equal(continueFromPrefix('{"kind":"PodList","apiVersion":"v1","metad'), null);
  assert.equal(continueFromPrefix('{"items":[],"metadata":{"continue":"x"}}'), null);
  assert.equal(continueFromPrefix('not json'), null);
});

/** A requestRaw that serves `total` items in pages, with a configurable delay per body. */
function fakeClient(total: number, opts: { lie?: boolean; failAt?: number } = {}): { client: KubeClient; log: string[]; aborted: number } {
  const state = { log: [] as string[], aborted: 0 };
  const requestRaw = (req: RequestOptions, onPrefix?: (p: Buffer) => void): Promise<Buffer> => {
    const limit = Number(req.query?.limit);
    const start = req.query?.continue ? Number(req.query.continue) : 0;
    state.log.push(`start ${start}`);
    const end = Math.min(total, start + limit);
    const cont = end < total ? String(end) : undefined;
    const body = Buffer.from(
      JSON.stringify({
        kind: 'ConfigMapList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '7', ...(cont ? { continue: cont } : {}) },
        items: Array.from({ length: end - start }, (_, i) => ({ metadata: { name: `o${start + i}` } })),
      }),
    );
    return new Promise((resolve, reject) => {
      if (opts.failAt === start) return reject(new Error(`page at ${start} failed`));
      // The prefix arrives first; with `lie` it shows a wrong token.
      setTimeout(() => onPrefix?.(opts.lie ? Buffer.from('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"continue":"999"},"items":[') : body), 1);
      const t = setTimeout(() => {
        state.log.push(`end ${start}`);
        resolve(body);
      }, 10);
      req.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        state.aborted++;
        reject(new Error('aborted'));
      });
    });
  };
  return { client: { requestRaw } as unknown as KubeClient, get log() { return state.log; }, get aborted() { return state.aborted; } };
}

const r: ResourceRef = { group: '', version: 'v1', plural: 'configmaps' };

void test('prefetching pager: every page once, in order, next request started before the current body ends', async () => {
  const f = fakeClient(25);
  const names: string[] = [];
  for await (const page of listPages(f.client, r, { limit: 10 })) names.push(...page.items.map((o) => o.metadata!.name!));
  assert.deepEqual(names, Array.from({ length: 25 }, (_, i) => `o${i}`));
  assert.deepEqual(f.log, ['start 0', 'start 10', 'end 0', 'start 20', 'end 10', 'end 20']);
});

void test('a wrong guess from the prefix is corrected from the parsed page', async () => {
  const f = fakeClient(25, { lie: true });
  const names: string[] = [];
  for await (const page of listPages(f.client, r, { limit: 10 })) names.push(...page.items.map((o) => o.metadata!.name!));
  assert.equal(names.length, 25);
  assert.equal(new Set(names).size, 25);
  assert.ok(f.aborted >= 2, 'the mistaken prefetches were aborted');
});

void test('leaving early aborts the prefetched request; errors propagate', async () => {
  const f = fakeClient(100);
  for await (const page of listPages(f.client, r, { limit: 10 })) {
    assert.equal(page.items.length, 10);
    break;
  }
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(f.aborted, 1);
  const g = fakeClient(100, { failAt: 20 });
  await assert.rejects(async () => {
    for await (const _ of listPages(g.client, r, { limit: 10 })) {
      /* consume */
    }
  }, /page at 20 failed/);
});

void test('without prefetch pages are fetched one after another', async () => {
  const f = fakeClient(25);
  let n = 0;
  for await (const page of listPages(f.client, r, { limit: 10, prefetch: false })) n += page.items.length;
  assert.equal(n, 25);
  assert.deepEqual(f.log, ['start 0', 'end 0', 'start 10', 'end 10', 'start 20', 'end 20']);
});
