// Console sign-in through a real OpenID Connect issuer (oidc-provider, test/support/oidc-provider.ts) on a real
// NEW cluster, the console running as its own ServiceAccount with only its shipped ClusterRole:
//  - the public sign-in configuration names the issuer;
//  - alice and bob sign in through the full redirect flow (console → issuer → sign-in page → console callback),
//    followed with fetch and a cookie jar; the session names the user and groups of their ID token;
//  - the groups reach the API server through impersonation: plinth-editors is bound to `edit`, so alice
//    confirms a release (the history names her); plinth-viewers is bound to `view`, so bob is refused with a 403;
//  - a replayed callback (state already used) and an ID token altered on its way are refused, no session;
//  - `plinth console` with an unreachable issuer fails at start with CONSOLE_OIDC_ISSUER.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OidcClient } from '../src/app/console/oidc/client.js';
import { oidcSettings } from '../src/app/console/oidc/config.js';
import { installAggregatedRoles } from '../src/app/console/rbac.js';
import { runConsole } from '../src/app/console/run.js';
import { buildConsole, type ConsoleServer } from '../src/app/console/server.js';
import { PlinthError } from '../src/errors/index.js';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { CookieJar, signInThroughIssuer, startOidcProvider, type TestIssuer } from './support/oidc-provider.js';
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
import { boundGroup, consoleIdentityClient } from './support/console-users.js';

const NS = 'shop';
const RBAC = 'rbac.authorization.k8s.io/v1';

let env: ReleaseEnv;
let controllers: { stop: () => Promise<void> } | undefined;
let consoleClient: KubeClient;
let srv: ConsoleServer;
let issuer: TestIssuer;
let base = '';

const bindGroup = (group: string, role: string): Promise<void> => boundGroup(env.client, group, role, NS);

interface Signed {
  jar: CookieJar;
  csrf: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Signs `login` in through the issuer; a caller with the session cookie and the CSRF token. */
async function signIn(login: string, next = '/'): Promise<Signed & { finalLocation: string | undefined }> {
  const walk = await signInThroughIssuer(`${base}/api/v1/session/oidc/login?next=${encodeURIComponent(next)}`, login);
  const jar = walk.jar;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers: Record<string, string> = { cookie: jar.header(new URL(base)) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-plinth-csrf'] = signed.csrf;
    const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
  const signed = { jar, csrf: '', call, finalLocation: walk.finalLocation };
  const who = await call('GET', '/api/v1/session');
  if (who.status === 200) signed.csrf = String(who.body.csrfToken);
  return signed;
}

describe('console sign-in with OIDC', { timeout: 600_000 }, () => {
  before(async () => {
    env = await startReleaseCluster();
    controllers = runControllersInProcess(env.client);
    await installAggregatedRoles(env.client);
    for (const ns of [NS, 'plinth-system']) await ensureNamespace(env.client, ns);
    consoleClient = await consoleIdentityClient(env.client, env.cluster.kubeConfig);
    await bindGroup('plinth-editors', 'edit');
    await bindGroup('plinth-viewers', 'view');
    await eventually('edit aggregates releaseorders/status', async () => {
      const edit = await env.client.get<{ rules?: Array<{ resources?: string[] }> }>(ref(RBAC, 'clusterroles'), 'edit');
      return edit.rules?.some((r) => r.resources?.includes('releaseorders/status')) ? true : undefined;
    });
    srv = await buildConsole({ client: consoleClient, events: false });
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;
    issuer = await startOidcProvider({ redirectUris: [`${base}/api/v1/session/oidc/callback`] });
    srv.useOidc(await OidcClient.start(oidcSettings({ issuer: issuer.issuer, clientId: issuer.clientId, clientSecretFile: issuer.clientSecretFile }, base)));
  });
  after(async () => {
    await srv?.close();
    await issuer?.stop();
    consoleClient?.close();
    await controllers?.stop();
    await env?.stop();
  });

  test('the public configuration names the issuer; alice and bob sign in through the redirects with their ID token groups', async () => {
    const cfg = await fetch(`${base}/api/v1/session/config`);
    assert.equal(cfg.status, 200);
    assert.deepEqual(await cfg.json(), { oidc: { enabled: true, issuer: issuer.issuer, loginUrl: '/api/v1/session/oidc/login' }, tokenLogin: true });

    const login = await fetch(`${base}/api/v1/session/oidc/login?next=/releases`, { redirect: 'manual' });
    assert.equal(login.status, 302);
    const to = new URL(login.headers.get('location')!);
    assert.equal(to.origin, issuer.issuer);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(to.searchParams.get('client_id'), issuer.clientId);

    const alice = await signIn('alice', `/releases/${NS}/web`);
    assert.equal(alice.finalLocation, `/releases/${NS}/web`, 'back where the sign-in started');
    const set = alice.jar.get(base, 'plinth_session');
    assert.ok(set, 'the session cookie is set by the callback');
    const who = await alice.call('GET', '/api/v1/session');
    assert.equal(who.status, 200);
    assert.equal(who.body.user, 'alice@example.com');
    assert.deepEqual(who.body.groups, ['plinth-editors']);
    const bob = await signIn('bob');
    assert.equal(bob.finalLocation, '/');
    const bobWho = await bob.call('GET', '/api/v1/session');
    assert.deepEqual([bobWho.body.user, bobWho.body.groups], ['bob@example.com', ['plinth-viewers']]);
    assert.equal((await bob.call('DELETE', '/api/v1/session')).status, 204, 'signs out like any session');
    assert.equal((await bob.call('GET', '/api/v1/session')).status, 401);
  });

  test('the ID token groups are impersonated: plinth-editors (edit) confirms, plinth-viewers (view) gets the 403 of the API server', async () => {
    await env.client.create(cdRef(NS), cellDeployment(NS, 'web', { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 0 } }));
    await waitPhase(env.client, NS, 'web', 'Completed');
    await setImage(env.client, NS, 'web', 'registry.local/web:2');
    const order = await currentOrderName(env.client, NS, 'web');
    await waitOrder(env.client, NS, order, (o) => o.status?.phase === 'WaitingForConfirm', 'waits after the beta batch');

    const bob = await signIn('bob');
    const seen = await bob.call('GET', `/api/v1/namespaces/${NS}/releases/web`);
    assert.equal(seen.status, 200, `view lets bob read: ${JSON.stringify(seen.body)}`);
    const refused = await bob.call('POST', `/api/v1/namespaces/${NS}/releases/web/confirm`);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'KUBE_API');
    assert.match(String(refused.body.message), /User "bob@example.com" cannot patch resource "releaseorders"/);
    assert.deepEqual(refused.body.denied, { verb: 'patch', resource: 'releaseorders', group: 'apps.plinth.dev', namespace: NS });
    assert.equal((await getOrder(env.client, NS, order)).spec.confirmedBatches ?? 0, 0);

    const alice = await signIn('alice');
    const confirmed = await alice.call('POST', `/api/v1/namespaces/${NS}/releases/web/confirm`);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal((confirmed.body.by as { user: string }).user, 'alice@example.com');
    const stored = await getOrder(env.client, NS, order);
    assert.ok((stored.spec.confirmedBatches ?? 0) >= 1);
    assert.deepEqual((stored.status?.history ?? []).filter((h) => h.by === 'alice@example.com').map((h) => h.action), ['Confirm']);
  });

  test('a replayed callback and a tampered ID token are refused without a session', async () => {
    const first = await signInThroughIssuer(`${base}/api/v1/session/oidc/login`, 'alice');
    assert.ok(first.jar.get(base, 'plinth_session'));
    const replay = await fetch(first.callbackUrl!, { redirect: 'manual' });
    assert.equal(replay.status, 302);
    assert.equal(replay.headers.get('location'), '/signin?error=CONSOLE_OIDC_STATE');
    assert.equal(replay.headers.getSetCookie().length, 0, 'no session for a replay');

    const forged = await fetch(`${base}/api/v1/session/oidc/callback?code=x&state=made-up`, { redirect: 'manual' });
    assert.equal(forged.headers.get('location'), '/signin?error=CONSOLE_OIDC_STATE');

    // bob's ID token, altered on its way to claim alice's name and the cluster-admin group: its signature no longer verifies.
    issuer.tamperNextIdToken((c) => ({ ...c, email: 'alice@example.com', groups: ['system:masters'] }));
    const tampered = await signInThroughIssuer(`${base}/api/v1/session/oidc/login`, 'bob');
    assert.equal(tampered.finalLocation, '/signin?error=CONSOLE_OIDC_TOKEN');
    assert.equal(tampered.jar.get(base, 'plinth_session'), undefined);

    // The next, untouched sign-in works again.
    const again = await signIn('bob');
    assert.equal((await again.call('GET', '/api/v1/session')).body.user, 'bob@example.com');
  });

  test('plinth console with --oidc-* prints the issuer and its redirect URL; with an unreachable issuer it stops at start naming the issuer', async () => {
    const lines: string[] = [];
    const run = new AbortController();
    const running = runConsole({ client: consoleClient, listen: '127.0.0.1:0', adminLink: false, oidc: { issuer: issuer.issuer, clientId: issuer.clientId, clientSecretFile: issuer.clientSecretFile }, signal: run.signal, out: (l) => lines.push(l) });
    try {
      const listening = await eventually('the listening line', () => Promise.resolve(lines.find((l) => l.includes('listening on'))), 30_000);
      const url = /listening on (\S+)/.exec(listening)![1]!;
      const line = lines.find((l) => l.startsWith('OIDC sign-in with')) ?? '';
      assert.ok(line.includes(`${issuer.issuer} (client ${issuer.clientId}, redirect URL ${url}/api/v1/session/oidc/callback)`), line);
      assert.equal(((await (await fetch(`${url}/api/v1/session/config`)).json()) as { oidc: { enabled: boolean } }).oidc.enabled, true);
    } finally {
      run.abort();
      await running;
    }

    const ac = new AbortController();
    await assert.rejects(
      runConsole({ client: consoleClient, listen: '127.0.0.1:0', adminLink: false, oidc: { issuer: 'http://127.0.0.1:9', clientId: 'plinth' }, signal: ac.signal, out: () => undefined }),
      (err: unknown) => err instanceof PlinthError && err.code === 'CONSOLE_OIDC_ISSUER' && /http:\/\/127.0.0.1:9\/.well-known\/openid-configuration could not be read/.test(err.message),
    );
    ac.abort();
  });
});
