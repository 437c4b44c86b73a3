// The console's HTTP API on a real NEW cluster, with the release controllers in this process and the console
// server in process, running with ONLY its own ClusterRole (deploy/rbac/console.yaml) as a ServiceAccount:
//  - two users through real RBAC: alice (ServiceAccount bound to `edit` in the namespace), bob (bound to
//    `view`); Plinth's aggregated roles make those include Plinth's kinds;
//  - sign-in with a ServiceAccount token (TokenReview), the httpOnly SameSite=Strict cookie, sign-out, CSRF,
//    expired and removed sessions (401);
//  - list (paged by the API server with limit/continue, phase filter) and detail of a running release;
//  - alice confirms (the history entry names her), bob is refused by the API server through impersonation
//    (403 naming verb and resource); SSE delivers a change within 1 s and only what the user may list;
//  - bad input 400s; `plinth console` as a subprocess prints a one-time link that signs in, and stops on SIGTERM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ReleaseOrder } from '../src/api/index.js';
import { installAggregatedRoles } from '../src/app/console/rbac.js';
import { buildConsole, type ConsoleServer } from '../src/app/console/server.js';
import { SessionStore } from '../src/app/console/session.js';
import type { ChangeEvent } from '../src/app/console/events.js';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import {
  cdRef,
  cellDeployment,
  currentOrderName,
  ensureNamespace,
  eventually,
  getOrder,
  runControllersInProcess,
  setImage,
  startReleaseCluster,
  waitOrder,
  waitPhase,
  type ReleaseEnv,
} from './support/release-env.js';
import { readSse } from './support/sse.js';
import { boundServiceAccount, consoleIdentityClient, ConsoleCaller, saToken, type Reply } from './support/console-users.js';

const NS = 'shop';
const RBAC = 'rbac.authorization.k8s.io/v1';
const ALICE = `system:serviceaccount:${NS}:alice`;

let env: ReleaseEnv;
let controllers: { stop: () => Promise<void> } | undefined;
let consoleClient: KubeClient;
let srv: ConsoleServer;
let base = '';
let skewMs = 0;
const tokens: Record<string, string> = {};

class Caller extends ConsoleCaller {
  constructor() {
    super(() => base);
  }
}

/** An SSE subscription: `next` waits for an event matching `pred`, returning it and every event seen before it. */
function subscribe(
  c: Caller,
  query = '',
): { next: (pred: (e: ChangeEvent) => boolean, timeoutMs?: number) => Promise<{ event: ChangeEvent; before: ChangeEvent[] }>; ready: Promise<void>; ended: Promise<void>; close: () => void } {
  const ac = new AbortController();
  const seen: ChangeEvent[] = [];
  let wake: (() => void) | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const ended = (async () => {
    const res = await fetch(`${base}/api/v1/events${query}`, { headers: { cookie: c.cookie }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    markReady();
    await readSse(
      res.body as unknown as AsyncIterable<Uint8Array>,
      (data, at) => seen.push({ ...(data as ChangeEvent), arrivedAt: at } as ChangeEvent),
      () => wake?.(),
    );
  })().catch(() => undefined);
  let from = 0;
  return {
    ready,
    ended,
    close: () => ac.abort(),
    next: async (pred, timeoutMs = 5000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const k = seen.slice(from).findIndex(pred);
        if (k >= 0) {
          const before = seen.slice(from, from + k);
          const event = seen[from + k]!;
          from += k + 1;
          return { event, before };
        }
        if (Date.now() > end) throw new Error(`no matching event within ${timeoutMs} ms; seen: ${JSON.stringify(seen.slice(from).map((e) => `${e.kind} ${e.namespace}/${e.name}`))}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
  };
}

function arrivedAt(e: ChangeEvent): number {
  return (e as ChangeEvent & { arrivedAt: number }).arrivedAt;
}

describe('console API', { timeout: 600_000 }, () => {
  before(async () => {
    env = await startReleaseCluster();
    controllers = runControllersInProcess(env.client);
    await installAggregatedRoles(env.client);
    for (const ns of [NS, 'plinth-system', 'paged', 'elsewhere']) await ensureNamespace(env.client, ns);
    // The console runs as its own ServiceAccount with only the shipped ClusterRole.
    consoleClient = await consoleIdentityClient(env.client, env.cluster.kubeConfig);
    await boundServiceAccount(env.client, NS, 'alice', 'edit', NS);
    await boundServiceAccount(env.client, NS, 'bob', 'view', NS);
    await boundServiceAccount(env.client, NS, 'alice', 'view', 'paged');
    tokens.alice = await saToken(env.client, NS, 'alice');
    tokens.bob = await saToken(env.client, NS, 'bob');
    // The aggregation controller folds Plinth's rules into edit shortly after they are installed.
    await eventually('edit aggregates releaseorders/status', async () => {
      const edit = await env.client.get<{ rules?: Array<{ resources?: string[] }> }>(ref(RBAC, 'clusterroles'), 'edit');
      return edit.rules?.some((r) => r.resources?.includes('releaseorders/status')) ? true : undefined;
    });
    srv = await buildConsole({ client: consoleClient, sessions: new SessionStore({ now: () => Date.now() + skewMs }) });
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await srv?.close();
    consoleClient?.close();
    await controllers?.stop();
    await env?.stop();
  });

  test('sign in with a token, the session cookie, who am I, CSRF on writes, sign out, expiry', async () => {
    const bad = await new Caller().signIn('not-a-token');
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 'CONSOLE_SIGNIN_REFUSED');

    const a = new Caller();
    const r = await a.signIn(tokens.alice!);
    assert.equal(r.status, 200);
    const set = r.headers.getSetCookie().find((c) => c.startsWith('plinth_session='))!;
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Strict/i);
    assert.ok(!set.includes(tokens.alice!), 'the cookie is a session id, not the token');
    const who = await a.call('GET', '/api/v1/session');
    assert.equal(who.status, 200);
    assert.equal(who.body.user, ALICE);
    assert.ok((who.body.groups as string[]).includes(`system:serviceaccounts:${NS}`));
    assert.ok(Date.parse(String(who.body.expiresAt)) > Date.now() + 7 * 3600_000);

    const noCsrf = await a.call('DELETE', '/api/v1/session', undefined, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, 'CONSOLE_CSRF');
    assert.equal((await a.call('DELETE', '/api/v1/session')).status, 204);
    const gone = await a.call('GET', '/api/v1/session');
    assert.equal(gone.status, 401);
    assert.equal(gone.body.code, 'CONSOLE_NOT_SIGNED_IN');

    const b = new Caller();
    await b.signIn(tokens.bob!);
    assert.equal((await b.call('GET', '/api/v1/session')).status, 200);
    skewMs = 8 * 3600_000 + 1000; // past the 8 h lifetime
    try {
      assert.equal((await b.call('GET', '/api/v1/releases')).status, 401);
    } finally {
      skewMs = 0;
    }
  });

  let order = '';

  test('list and detail of a running release, as the API server lets each user see them', async () => {
    await env.client.create(cdRef(NS), cellDeployment(NS, 'web', { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 0 } }));
    await waitPhase(env.client, NS, 'web', 'Completed');
    await setImage(env.client, NS, 'web', 'registry.local/web:2');
    order = await currentOrderName(env.client, NS, 'web');
    await waitOrder(env.client, NS, order, (o) => o.status?.phase === 'WaitingForConfirm', 'waits after the beta batch');

    const bob = new Caller();
    await bob.signIn(tokens.bob!);
    const list = await bob.call('GET', `/api/v1/releases?namespace=${NS}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const items = list.body.items as Array<{ name: string; release: { name: string; phase: string; currentBatch: { number: number }; batchCount: number } }>;
    assert.deepEqual(items.map((i) => [i.name, i.release.name, i.release.phase, i.release.currentBatch.number, i.release.batchCount]), [['web', order, 'WaitingForConfirm', 2, 3]]);
    assert.equal(list.body.continue, null);
    assert.equal(((await bob.call('GET', `/api/v1/releases?namespace=${NS}&phase=Completed`)).body.items as unknown[]).length, 0);

    const nsOf = async (c: Caller): Promise<string[]> => ((await c.call('GET', '/api/v1/namespaces')).body.items as Array<{ name: string }>).map((n) => n.name);
    assert.deepEqual(await nsOf(bob), [NS], 'bob may list releases only in shop');
    const alice = new Caller();
    await alice.signIn(tokens.alice!);
    assert.deepEqual(await nsOf(alice), ['paged', NS]);

    const all = await bob.call('GET', '/api/v1/releases');
    assert.equal(all.status, 403, 'bob may not list across namespaces');
    assert.equal(all.body.code, 'KUBE_API');
    assert.deepEqual(all.body.denied, { verb: 'list', resource: 'celldeployments', group: 'apps.plinth.dev', namespace: null });

    const d = await bob.call('GET', `/api/v1/namespaces/${NS}/releases/web`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const st = d.body.status as { releaseOrder: string; batches: Array<{ phase: string; pods: string[]; units: string[] }>; next: { action: string } };
    assert.equal(st.releaseOrder, order);
    assert.deepEqual(st.batches.map((b) => [b.phase, b.pods.length]), [['Succeeded', 3], ['WaitingForConfirm', 2], ['Pending', 1]]);
    assert.equal(st.next.action, 'confirm');
    const pods = d.body.pods as Array<{ name: string; batch: number | null; state: string; unit: string }>;
    assert.equal(pods.length, 6);
    const states = (batch: number): string[] => pods.filter((p) => p.batch === batch).map((p) => p.state);
    assert.deepEqual(states(0), ['ready', 'ready', 'ready']);
    assert.deepEqual(states(1), ['waiting', 'waiting']);
    assert.ok(pods.every((p) => p.unit.startsWith('zone-')));
    assert.ok((d.body.history as unknown[]).length > 0);
    const missing = await bob.call('GET', `/api/v1/namespaces/${NS}/releases/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'RELEASE_NOT_FOUND');
  });

  test('bob is refused by the API server; alice pauses, resumes and confirms; SSE shows each change within 1 s', async (t) => {
    const alice = new Caller();
    await alice.signIn(tokens.alice!);
    const bob = new Caller();
    await bob.signIn(tokens.bob!);

    const refused = await bob.call('POST', `/api/v1/namespaces/${NS}/releases/web/confirm`);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'KUBE_API');
    assert.match(String(refused.body.message), /system:serviceaccount:shop:bob.*cannot patch resource "releaseorders"/);
    assert.deepEqual(refused.body.denied, { verb: 'patch', resource: 'releaseorders', group: 'apps.plinth.dev', namespace: NS });
    assert.equal((await getOrder(env.client, NS, order)).spec.confirmedBatches ?? 0, 0);

    const events = subscribe(alice);
    await events.ready;
    // A change in a namespace alice may not list is not sent to her; the next one in hers is.
    await env.client.create(cdRef('elsewhere'), cellDeployment('elsewhere', 'hidden', { replicas: 0 }));
    const t0 = Date.now();
    const paused = await alice.call('POST', `/api/v1/namespaces/${NS}/releases/web/pause`);
    const tPaused = Date.now();
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal((paused.body.spec as { paused: boolean }).paused, true);
    const seen = await events.next((e) => e.kind === 'ReleaseOrder' && e.name === order && e.summary.paused === true);
    const latency = arrivedAt(seen.event) - t0;
    t.diagnostic(`pause: the change arrived ${latency} ms after the request was sent (the action itself took ${tPaused - t0} ms)`);
    assert.ok(latency < 1000, `the change arrived ${latency} ms after the request was sent`);
    assert.ok(seen.before.every((e) => e.namespace === NS), `only ${NS} events: ${JSON.stringify(seen.before.map((e) => e.namespace))}`);

    assert.equal((await alice.call('POST', `/api/v1/namespaces/${NS}/releases/web/resume`)).status, 200);
    const w = Date.now();
    const confirmed = await alice.call('POST', `/api/v1/namespaces/${NS}/releases/web/confirm`);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal((confirmed.body.by as { user: string }).user, ALICE);
    assert.equal((confirmed.body.history as { by: string }).by, ALICE);
    const want = (confirmed.body.spec as { confirmedBatches: number }).confirmedBatches;
    assert.ok(want >= 1);
    const conf = await events.next((e) => e.kind === 'ReleaseOrder' && e.name === order && e.summary.confirmedBatches === want);
    t.diagnostic(`confirm: the change arrived ${arrivedAt(conf.event) - w} ms after the request was sent`);
    assert.ok(arrivedAt(conf.event) - w < 1000);
    // Signing out ends the stream (at the next event or keep-alive).
    assert.equal((await alice.call('DELETE', '/api/v1/session')).status, 204);
    await env.client.patch(cdRef(NS), 'web', { metadata: { annotations: { touched: 'yes' } } }, 'merge');
    await Promise.race([events.ended, new Promise((_r, reject) => setTimeout(() => reject(new Error('the stream did not end after sign-out')), 3000))]);
    events.close();
    const stored = await getOrder(env.client, NS, order);
    const byAlice = (stored.status?.history ?? []).filter((h) => h.by === ALICE).map((h) => h.action);
    assert.equal(byAlice.length, 3, JSON.stringify(stored.status?.history));
    const next = await waitOrder(env.client, NS, order, (o: ReleaseOrder) => (o.status?.currentBatch ?? 0) >= 2 || o.status?.phase === 'Completed', 'the confirmed batch goes on');
    assert.ok(next.status?.phase);
  });

  test('the list pages on the API server with limit/continue', async () => {
    for (let i = 0; i < 5; i++) await env.client.create(cdRef('paged'), cellDeployment('paged', `p${i}`, { replicas: 0 }));
    const alice = new Caller();
    await alice.signIn(tokens.alice!);
    const names: string[] = [];
    const sizes: number[] = [];
    let cont: string | null = null;
    do {
      const r: Reply = await alice.call('GET', `/api/v1/releases?namespace=paged&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const items = r.body.items as Array<{ name: string; release: unknown }>;
      sizes.push(items.length);
      names.push(...items.map((i) => i.name));
      cont = r.body.continue as string | null;
    } while (cont);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4']);
    const badCont = await alice.call('GET', '/api/v1/releases?namespace=paged&limit=2&continue=garbage');
    assert.equal(badCont.status, 400, 'the API server refuses the token');
  });

  test('bad input is a 400 naming the field, before any cluster call', async () => {
    const a = new Caller();
    await a.signIn(tokens.alice!);
    for (const [method, path, field] of [
      ['GET', '/api/v1/releases?limit=5000', 'querystring.limit'],
      ['GET', `/api/v1/namespaces/${NS}/releases/Web_1`, 'params.name'],
      ['POST', `/api/v1/namespaces/${NS}/releases/web/approve`, 'params.action'],
    ] as const) {
      const r = await a.call(method, path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.code, 'INVALID_ARGUMENT');
      assert.ok(String(r.body.message).includes(field), `${String(r.body.message)} names ${field}`);
    }
  });

  test('`plinth console` prints its URL and a one-time admin link that signs in; SIGTERM stops it cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'console', '--listen', '127.0.0.1:0', '--kubeconfig', env.cluster.kubeconfigPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const link = await eventually('the sign-in link', () => Promise.resolve(/(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/session\/link\?code=\S+/.exec(out) ?? undefined), 60_000);
      const url = link[1]!;
      const first = await fetch(link[0], { redirect: 'manual' });
      assert.equal(first.status, 303);
      const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
      const who = (await (await fetch(`${url}/api/v1/session`, { headers: { cookie } })).json()) as { user: string };
      assert.equal(who.user, 'system:serviceaccount:plinth-system:plinth-console-admin');
      const again = await fetch(link[0], { redirect: 'manual' });
      assert.equal(again.status, 401, 'the link is one-time');
      const list = await fetch(`${url}/api/v1/releases`, { headers: { cookie } });
      assert.equal(list.status, 200, 'the admin (bound to admin cluster-wide) lists every namespace');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, `exit code; stderr: ${err}`);
  });
});
