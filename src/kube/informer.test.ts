import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError } from './api-error.js';
import type { KubeList, ListOptions, WatchEvent, WatchOptions } from './http.js';
import { Informer, type ListWatchClient } from './informer.js';
import type { KubeObject, ResourceRef } from './resource.js';
import { byLabel } from './indexer.js';

/**
 * A tiny in-memory stand-in for one API collection, for unit-testing the informer's state
 * machine (the real API server is exercised by the integration tests in test/).
 */
class FakeCollection implements ListWatchClient {
  objs = new Map<string, KubeObject>();
  rv = 0;
  history: Array<{ rv: number; ev: WatchEvent }> = [];
  compactedBelow = 0;
  listCalls = 0;
  watchCalls = 0;
  /** Fail the next N watch requests with a network error. */
  failWatches = 0;
  /** Open watches send nothing (not even history) — a silently stalled connection. */
  stall = false;
  /** Expire the continue token after this many pages in the next list. */
  expireContinueAfter = 0;
  private live = new Set<(ev: WatchEvent | 'end') => void>();

  put(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): void {
    const existing = this.objs.get(name);
    this.rv++;
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'ns', uid: existing?.metadata?.uid ?? `uid-${name}-${this.rv}`, resourceVersion: String(this.rv), labels, managedFields: [{ manager: 'x' }] },
      ...{ data },
    };
    this.objs.set(name, obj);
    this.emit({ type: existing ? 'MODIFIED' : 'ADDED', object: structuredClone(obj) });
  }

  del(name: string): void {
    const obj = this.objs.get(name);
    if (!obj) return;
    this.objs.delete(name);
    this.rv++;
    this.emit({ type: 'DELETED', object: { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(this.rv) } } });
  }

  bookmark(): void {
    this.rv++;
    for (const l of this.live) l({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } } });
  }

  compact(): void {
    this.compactedBelow = this.rv;
    for (const l of this.live) l({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as KubeObject });
  }

  endWatches(): void {
    for (const l of this.live) l('end');
  }

  private emit(ev: WatchEvent): void {
    this.history.push({ rv: this.rv, ev });
    for (const l of this.live) l(structuredClone(ev));
  }

  list<T = KubeObject>(_r: ResourceRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    this.listCalls++;
    const all = [...this.objs.values()].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    const token = opts.continue ? (JSON.parse(opts.continue) as { offset: number; rv: number; page: number }) : { offset: 0, rv: this.rv, page: 0 };
    if (this.expireContinueAfter > 0 && token.page >= this.expireContinueAfter) {
      this.expireContinueAfter = 0;
      return Promise.reject(new KubeApiError({ status: 410, reason: 'Expired', message: 'continue token expired', verb: 'list', target: 'cm' }));
    }
    const limit = opts.limit ?? all.length;
    const items = all.slice(token.offset, token.offset + limit).map((o) => structuredClone(o)) as T[];
    for (const i of items as KubeObject[]) {
      delete i.kind;
      delete i.apiVersion;
    }
    const next = token.offset + limit < all.length ? JSON.stringify({ offset: token.offset + limit, rv: token.rv, page: token.page + 1 }) : undefined;
    return Promise.resolve({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(token.rv), continue: next }, items });
  }

  async *watch<T = KubeObject>(_r: ResourceRef, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    this.watchCalls++;
    await Promise.resolve();
    if (this.failWatches > 0) {
      this.failWatches--;
      throw new Error('connect ECONNREFUSED');
    }
    const from = Number(opts.resourceVersion ?? '0');
    if (from < this.compactedBelow) {
      yield { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } as T };
      return;
    }
    const buffer: Array<WatchEvent | 'end'> = this.stall ? [] : this.history.filter((h) => h.rv > from).map((h) => structuredClone(h.ev));
    let wake: (() => void) | undefined;
    const listener = (ev: WatchEvent | 'end'): void => {
      if (this.stall) return;
      buffer.push(ev);
      wake?.();
    };
    this.live.add(listener);
    const signal = opts.signal;
    try {
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const ev = buffer.shift();
        if (ev === 'end') return;
        if (ev) {
          yield ev as WatchEvent<T>;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        wake = undefined;
      }
    } finally {
      this.live.delete(listener);
    }
  }
}

const ref: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', namespace: 'ns' };
const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await tick();
  }
}

function recorder(inf: Informer): { log: string[]; state: Map<string, string> } {
  const log: string[] = [];
  const state = new Map<string, string>();
  inf.addHandler({
    onAdd: (o) => {
      log.push(`add ${o.metadata!.name}`);
      state.set(o.metadata!.name!, o.metadata!.resourceVersion!);
    },
    onUpdate: (_old, o) => {
      log.push(`update ${o.metadata!.name}`);
      state.set(o.metadata!.name!, o.metadata!.resourceVersion!);
    },
    onDelete: (o) => {
      log.push(`delete ${o.metadata!.name}`);
      state.delete(o.metadata!.name!);
    },
  });
  return { log, state };
}

function matches(inf: Informer, api: FakeCollection): boolean {
  if (inf.store.size !== api.objs.size) return false;
  for (const [name, obj] of api.objs) {
    if (inf.get(`ns/${name}`)?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) return false;
  }
  return true;
}

void test('paginated initial list, adds delivered before synced, then watch events; managedFields dropped', async () => {
  const api = new FakeCollection();
  for (let i = 0; i < 25; i++) api.put(`cm${i}`);
  const inf = new Informer({ client: api, resource: ref, pageSize: 10 });
  const { log } = recorder(inf);
  inf.start();
  await inf.synced;
  assert.equal(log.length, 25);
  assert.equal(api.listCalls, 3, 'three pages');
  const cached = inf.get('ns/cm3')!;
  assert.equal(cached.metadata?.managedFields, undefined);
  assert.equal(cached.kind, 'ConfigMap', 'list items get kind/apiVersion');
  api.put('cm3', { a: '1' });
  api.del('cm4');
  api.put('new');
  await until(() => log.length === 28, 'watch events');
  assert.deepEqual(log.slice(25), ['update cm3', 'delete cm4', 'add new']);
  assert.ok(matches(inf, api));
  assert.equal(inf.resourceVersion, String(api.rv));
  await inf.stop();
});

void test('410 Gone from the watch ⇒ relist, and the diff is delivered as events', async () => {
  const api = new FakeCollection();
  for (let i = 0; i < 5; i++) api.put(`cm${i}`);
  const inf = new Informer({ client: api, resource: ref, backoff: { initialMs: 1, maxMs: 10 } });
  const { log, state } = recorder(inf);
  await inf.start().synced;
  await until(() => api.watchCalls === 1, 'watch');
  // Changes happen while the informer cannot see them, then history is compacted.
  api.stall = true;
  api.put('cm0', { x: 'y' });
  api.del('cm1');
  api.put('cm9');
  api.stall = false;
  api.compact();
  await until(() => inf.stats.relists === 1 && matches(inf, api), 'relist');
  assert.deepEqual(log.slice(5).sort(), ['add cm9', 'delete cm1', 'update cm0']);
  assert.deepEqual([...state.keys()].sort(), [...api.objs.keys()].sort());
  await inf.stop();
});

void test('restart with backoff after network errors keeps the cache and resumes from the last resourceVersion', async () => {
  const api = new FakeCollection();
  api.put('a');
  const inf = new Informer({ client: api, resource: ref, backoff: { initialMs: 5, maxMs: 20 } });
  const { log } = recorder(inf);
  await inf.start().synced;
  await until(() => api.watchCalls === 1, 'first watch');
  api.failWatches = 3;
  api.endWatches();
  api.put('b');
  await until(() => log.includes('add b'), 'event after restarts');
  assert.ok(api.watchCalls >= 5);
  assert.equal(api.listCalls, 1, 'no relist needed');
  assert.equal(inf.stats.relists, 0);
  assert.ok(inf.stats.watchRestarts >= 4);
  assert.deepEqual(log, ['add a', 'add b'], 'no duplicate events');
  await inf.stop();
});

void test('a stalled watch is aborted by the watchdog and restarted', async () => {
  const api = new FakeCollection();
  api.put('a');
  const inf = new Informer({ client: api, resource: ref, stallTimeoutMs: 100, backoff: { initialMs: 1, maxMs: 5 } });
  const { log } = recorder(inf);
  await inf.start().synced;
  api.stall = true;
  api.put('b'); // never delivered on the stalled connection
  await tick(150);
  api.stall = false;
  await until(() => log.includes('add b'), 'event after the stall restart');
  assert.ok(inf.stats.stalls >= 1);
  await inf.stop();
});

void test('bookmarks advance the resourceVersion without events', async () => {
  const api = new FakeCollection();
  api.put('a');
  const inf = new Informer({ client: api, resource: ref });
  const { log } = recorder(inf);
  await inf.start().synced;
  await until(() => api.watchCalls === 1, 'watch');
  await tick();
  api.bookmark();
  await until(() => inf.resourceVersion === String(api.rv), 'bookmark');
  assert.equal(inf.stats.events.BOOKMARK, 1);
  assert.deepEqual(log, ['add a']);
  await inf.stop();
});

void test('an expired continue token restarts the list from the beginning', async () => {
  const api = new FakeCollection();
  for (let i = 0; i < 30; i++) api.put(`cm${i}`);
  api.expireContinueAfter = 2;
  const inf = new Informer({ client: api, resource: ref, pageSize: 10 });
  const { log } = recorder(inf);
  await inf.start().synced;
  assert.equal(log.length, 30, 'each object added once');
  assert.equal(api.listCalls, 2 + 1 + 3);
  await inf.stop();
});

void test('resync re-delivers cached objects; late handlers get the cache as adds; indexers and transform', async () => {
  const api = new FakeCollection();
  api.put('a', {}, { app: 'web' });
  api.put('b', {}, { app: 'db' });
  const inf = new Informer({
    client: api,
    resource: ref,
    resyncMs: 50,
    indexers: { app: byLabel('app') },
    transform: (o) => {
      (o.metadata as Record<string, unknown>).transformed = true;
      return o;
    },
  });
  const { log } = recorder(inf);
  await inf.start().synced;
  await until(() => log.filter((l) => l.startsWith('update')).length >= 2, 'resync');
  const late = recorder(inf);
  assert.deepEqual(late.log.sort(), ['add a', 'add b']);
  assert.deepEqual(inf.byIndex('app', 'web').map((o) => o.metadata!.name), ['a']);
  assert.equal((inf.get('ns/a')!.metadata as Record<string, unknown>).transformed, true);
  await inf.stop();
});

void test('stop() ends the loop promptly even while a watch is open', async () => {
  const api = new FakeCollection();
  const inf = new Informer({ client: api, resource: ref });
  await inf.start().synced;
  await until(() => api.watchCalls === 1, 'watch');
  const t0 = Date.now();
  await inf.stop();
  assert.ok(Date.now() - t0 < 500);
  assert.ok(inf.stopped);
});
