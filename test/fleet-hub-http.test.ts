// The hub's fleet HTTPS server against a real hub API server: an agent identity from a real
// CertificateSigningRequest (signed by the local controller-manager), ServiceAccount tokens checked
// with TokenReview, access decided by SubjectAccessReview on ClusterDeliveries, webhooks in the
// GitHub, Gitea and GitLab formats, and the hub-info ConfigMap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { installCrds } from '../src/api/install.js';
import { KubeClient } from '../src/kube/http.js';
import { logger } from '../src/kube/log.js';
import { plinthRegistry } from '../src/kube/metrics.js';
import { ensureNamespace } from '../src/kube/namespaces.js';
import { CORE, inNamespace, ref } from '../src/kube/resource.js';
import { decodeArtifact, encodeArtifact, type ArtifactReader } from '../src/fleet/artifact.js';
import { AGENT_GROUP, ARTIFACT_MEDIA_TYPE, FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, agentUser, artifactPath, memberNamespace } from '../src/fleet/names.js';
import { startFleetServer, type FleetServer } from '../src/fleet/hub/server.js';
import { CLUSTER_DELIVERIES } from '../src/fleet/hub/delivery-index.js';
import { GIT_SOURCES } from '../src/fleet/hub/hooks.js';
import { artifactStoreDir } from '../src/fleet/hub/disk-reader.js';
import { PUSH_REQUESTED_ANNOTATION, runFleetServer } from '../src/fleet/hub/module.js';
import { waitFor } from './fixtures/kube-helpers.js';
import { pino } from 'pino';

const run = promisify(execFile);
const CSRS = ref('certificates.k8s.io/v1', 'certificatesigningrequests');
const RBAC = { roles: ref('rbac.authorization.k8s.io/v1', 'roles'), bindings: ref('rbac.authorization.k8s.io/v1', 'rolebindings') };
const NS_A = memberNamespace('a');
const NS_B = memberNamespace('b');
const HOOK_NS = 'team';
const HOOK_SECRET = 'a shared webhook secret';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTPS request to the fleet server, trusting only its published CA. */
function call(server: FleetServer, path: string, opts: { method?: string; cert?: string; key?: string; token?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Reply> {
  const url = new URL(server.url + path);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: opts.method ?? 'GET',
        ca: server.ca,
        cert: opts.cert,
        key: opts.key,
        agent: false,
        headers: { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { 'Content-Length': String(opts.body.length) } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (r: Reply): { code?: string; message?: string; hint?: string; fetch?: boolean } => JSON.parse(r.body.toString('utf8')) as { code?: string };

/** A client certificate for `user` in `groups`, issued by the hub through a real CSR that an admin approves. */
async function issueClientCert(client: KubeClient, dir: string, user: string, groups: string[]): Promise<{ cert: string; key: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const keyFile = join(dir, `${user.replace(/:/g, '_')}.key`);
  await writeFile(keyFile, privateKey, { mode: 0o600 });
  const subj = `${groups.map((g) => `/O=${g}`).join('')}/CN=${user}`;
  const { stdout: csr } = await run('openssl', ['req', '-new', '-key', keyFile, '-subj', subj]);
  const name = `test-${user.replace(/:/g, '-')}`;
  await client.create(CSRS, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 3600 },
  });
  const current = await client.get<{ status?: Record<string, unknown> }>(CSRS, name);
  await client.replace(CSRS, name, { ...current, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'approved by the fleet server test' }] } }, { subresource: 'approval' });
  let cert = '';
  await waitFor(async () => {
    const c = await client.get<{ status?: { certificate?: string } }>(CSRS, name);
    cert = c.status?.certificate ? Buffer.from(c.status.certificate, 'base64').toString('utf8') : '';
    return cert !== '';
  }, `the controller-manager to sign CSR ${name}`, 30_000, 200);
  return { cert, key: privateKey };
}

/** A Role allowing `get clusterdeliveries` in `ns`, bound to `subject`. */
async function allowGetDeliveries(client: KubeClient, ns: string, name: string, subject: { kind: 'User' | 'ServiceAccount'; name: string; namespace?: string }): Promise<void> {
  await client.create(inNamespace(RBAC.roles, ns), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: ns },
    rules: [{ apiGroups: ['fleet.plinth.dev'], resources: ['clusterdeliveries'], verbs: ['get', 'list', 'watch'] }],
  });
  await client.create(inNamespace(RBAC.bindings, ns), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [subject.kind === 'User' ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: subject.name } : { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace }],
  });
}

function clusterDelivery(ns: string, name: string, digest: string, baseURL: string): Record<string, unknown> {
  return {
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'ClusterDelivery',
    metadata: { name, namespace: ns },
    spec: { delivery: { namespace: 'apps', name }, revision: 'c0ffee', sequence: 1, artifact: { digest, url: baseURL + artifactPath(digest) } },
  };
}

/** An artifact big enough to be gzipped. */
function artifactOf(app: string): { bytes: Buffer; digest: string } {
  const objects = Array.from({ length: 20 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-${i}`, namespace: 'default' }, data: { app, index: String(i), filler: 'x'.repeat(100) } }));
  return encodeArtifact(objects);
}

describe('fleet hub HTTPS server on a real hub', () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let server: FleetServer;
  let dir: string;
  const stop = new AbortController();
  const pushes: string[] = [];
  /** The server's log lines (JSON), to check what it logs. */
  const logLines: { msg?: string; code?: string; source?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { msg?: string }) });
  const store = new Map<string, Buffer>();
  const reader: ArtifactReader = { read: (digest) => Promise.resolve(store.get(digest)) };
  const A = artifactOf('a');
  const B = artifactOf('b');
  const MISSING = artifactOf('never-stored');
  let agentA: { cert: string; key: string };
  let saToken: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plinth-fleet-http-'));
    cluster = await startCluster({ version: 'new', nodes: 0 });
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    for (const ns of [NS_A, NS_B, HOOK_NS]) await ensureNamespace(client, ns);
    store.set(A.digest, A.bytes);
    store.set(B.digest, B.bytes);

    agentA = await issueClientCert(client, dir, agentUser('a'), [AGENT_GROUP]);
    await allowGetDeliveries(client, NS_A, 'agent-a', { kind: 'User', name: agentUser('a') });
    await client.create(inNamespace(ref('v1', 'serviceaccounts'), NS_A), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent-sa' } });
    await allowGetDeliveries(client, NS_A, 'agent-sa', { kind: 'ServiceAccount', name: 'agent-sa', namespace: NS_A });
    const tr = await client.request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${NS_A}/serviceaccounts/agent-sa/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    saToken = tr.status.token;

    server = await startFleetServer({
      client,
      log,
      signal: stop.signal,
      listen: '127.0.0.1:0',
      reader,
      onPush: (ns, name) => {
        pushes.push(`${ns}/${name}`);
      },
      refreshMs: { hubInfo: 300 },
    });
    // The CRDs may take a moment to be served after installCrds: retry the first create.
    await waitFor(async () => {
      try {
        await client.create(inNamespace(CLUSTER_DELIVERIES, NS_A), clusterDelivery(NS_A, 'apps.web', A.digest, server.url));
        return true;
      } catch {
        return false;
      }
    }, 'the ClusterDelivery CRD to be served', 30_000, 200);
    await client.create(inNamespace(CLUSTER_DELIVERIES, NS_B), clusterDelivery(NS_B, 'apps.web', B.digest, server.url));
    await client.create(inNamespace(CLUSTER_DELIVERIES, NS_A), clusterDelivery(NS_A, 'apps.gone', MISSING.digest, server.url));
    // Wait until the server's index has seen the three.
    await waitFor(async () => (await call(server, artifactPath(MISSING.digest), agentA)).status === 404, "the server's ClusterDelivery index", 30_000, 200);
  });

  after(async () => {
    stop.abort();
    await server?.close();
    client?.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('publishes its URL and CA in the hub-info ConfigMap, and puts it back when deleted', async () => {
    const cms = inNamespace(CORE.configMaps, FLEET_NAMESPACE);
    const cm = await client.get<{ data: Record<string, string> }>(cms, HUB_INFO_CONFIGMAP);
    assert.equal(cm.data.artifactURL, server.url);
    assert.equal(cm.data['ca.crt'], server.ca);
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    await client.delete(cms, HUB_INFO_CONFIGMAP);
    await waitFor(async () => {
      try {
        return (await client.get<{ data: Record<string, string> }>(cms, HUB_INFO_CONFIGMAP)).data.artifactURL === server.url;
      } catch {
        return false;
      }
    }, 'the hub-info ConfigMap to be written again', 10_000, 100);
    const health = await call(server, '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body.toString()), { ok: true, deliveriesSynced: true, clientCA: true });
  });

  test("member a's certificate gets its artifact: bytes match the digest, gzip on request, 304 with its ETag", async () => {
    const r = await call(server, artifactPath(A.digest), agentA);
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers['content-type'], ARTIFACT_MEDIA_TYPE);
    assert.equal(r.headers.etag, `"${A.digest}"`);
    assert.equal(r.headers['content-encoding'], undefined, 'no gzip unless asked');
    assert.deepEqual(r.body, A.bytes);
    assert.equal(decodeArtifact(r.body, A.digest).objects.length, 20);

    const z = await call(server, artifactPath(A.digest), { ...agentA, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(z.status, 200);
    assert.equal(z.headers['content-encoding'], 'gzip');
    assert.ok(z.body.length < A.bytes.length, `gzipped ${z.body.length} < ${A.bytes.length}`);
    assert.deepEqual(gunzipSync(z.body), A.bytes);

    const again = await call(server, artifactPath(A.digest), { ...agentA, headers: { 'If-None-Match': `"${A.digest}"` } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
  });

  test("member a is refused member b's artifact (403 with a catalogue error) and a digest no delivery names", async () => {
    for (const digest of [B.digest, `sha256:${'0'.repeat(64)}`]) {
      const r = await call(server, artifactPath(digest), agentA);
      assert.equal(r.status, 403);
      const e = json(r);
      assert.equal(e.code, 'FLEET_ARTIFACT_FORBIDDEN');
      assert.ok(e.message?.includes(agentUser('a')) && e.hint, e.message);
    }
    const metrics = await plinthRegistry().getSingleMetricAsString('plinth_fleet_server_request_duration_seconds');
    assert.match(metrics, /plinth_fleet_server_request_duration_seconds_count\{route="artifact",code="403"\} [2-9]/);
  });

  test('a digest a readable delivery names but the store lacks is 404', async () => {
    const r = await call(server, artifactPath(MISSING.digest), agentA);
    assert.equal(r.status, 404);
    assert.equal(json(r).code, 'FLEET_ARTIFACT_NOT_FOUND');
  });

  test('no credential, a refused token and a certificate from another CA are 401', async () => {
    const none = await call(server, artifactPath(A.digest));
    assert.equal(none.status, 401);
    assert.equal(json(none).code, 'FLEET_UNAUTHENTICATED');
    assert.ok(String(none.headers['www-authenticate']).startsWith('Bearer'));

    const bogus = await call(server, artifactPath(A.digest), { token: 'not-a-token' });
    assert.equal(bogus.status, 401);
    assert.equal(json(bogus).code, 'FLEET_UNAUTHENTICATED');

    // A self-made certificate naming the same user: not issued by the hub's client CA.
    const keyFile = join(dir, 'forged.key');
    await writeFile(keyFile, generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey);
    const { stdout: forged } = await run('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', `/O=${AGENT_GROUP}/CN=${agentUser('a')}`, '-days', '1']);
    const r = await call(server, artifactPath(A.digest), { cert: forged, key: await readFile(keyFile, 'utf8') });
    assert.equal(r.status, 401);
    assert.match(json(r).message ?? '', /client certificate is not valid/);
  });

  test('a ServiceAccount token with the right Role works through TokenReview, and only for its namespace', async () => {
    const ok = await call(server, artifactPath(A.digest), { token: saToken });
    assert.equal(ok.status, 200, ok.body.toString());
    assert.deepEqual(ok.body, A.bytes);
    const denied = await call(server, artifactPath(B.digest), { token: saToken });
    assert.equal(denied.status, 403);
  });

  describe('webhooks', () => {
    const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'c0ffee' }));
    const hmac = createHmac('sha256', HOOK_SECRET).update(body).digest('hex');
    const hook = (name: string, headers: Record<string, string>, b: Buffer = body): Promise<Reply> =>
      call(server, `/hooks/git/${HOOK_NS}/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: b });

    before(async () => {
      await client.create(inNamespace(CORE.secrets, HOOK_NS), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hook' }, stringData: { token: `${HOOK_SECRET}\n` } });
      const src = (name: string, webhook: boolean): Record<string, unknown> => ({
        apiVersion: 'fleet.plinth.dev/v1alpha1',
        kind: 'GitSource',
        metadata: { name, namespace: HOOK_NS },
        spec: { url: 'file:///tmp/repo.git', ref: { branch: 'main' }, ...(webhook ? { webhookSecretRef: { name: 'hook' } } : {}) },
      });
      await client.create(inNamespace(GIT_SOURCES, HOOK_NS), src('app', true));
      await client.create(inNamespace(GIT_SOURCES, HOOK_NS), src('polled', false));
    });

    test('a good signature in each of the GitHub, Gitea and GitLab formats triggers one fetch each', async () => {
      pushes.length = 0;
      const formats: [string, Record<string, string>][] = [
        ['github', { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${hmac}` }],
        ['gitea', { 'X-Gitea-Event': 'push', 'X-Gitea-Signature': hmac }],
        ['gitlab', { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': HOOK_SECRET }],
      ];
      for (const [format, headers] of formats) {
        const before = pushes.length;
        const r = await hook('app', headers);
        assert.equal(r.status, 202, `${format}: ${r.body.toString()}`);
        assert.equal(pushes.length, before + 1, `${format}: one fetch`);
      }
      assert.deepEqual(pushes, [`${HOOK_NS}/app`, `${HOOK_NS}/app`, `${HOOK_NS}/app`]);
    });

    test('a wrong or missing signature is 401 and fetches nothing; a ping fetches nothing', async () => {
      pushes.length = 0;
      const wrong = createHmac('sha256', 'another secret').update(body).digest('hex');
      const refused: Record<string, string>[] = [{ 'X-Hub-Signature-256': `sha256=${wrong}` }, { 'X-Gitea-Signature': wrong }, { 'X-Gitlab-Token': 'guess' }, {}, { 'X-Hub-Signature': `sha1=${createHmac('sha1', HOOK_SECRET).update(body).digest('hex')}` }];
      for (const headers of refused) {
        const r = await hook('app', headers);
        assert.equal(r.status, 401, JSON.stringify(headers));
        assert.equal(json(r).code, 'FLEET_WEBHOOK_SIGNATURE');
      }
      // The right signature over another body (a replayed header) is refused too.
      const tampered = await hook('app', { 'X-Hub-Signature-256': `sha256=${hmac}` }, Buffer.from(JSON.stringify({ ref: 'refs/heads/evil' })));
      assert.equal(tampered.status, 401);
      const pingBody = Buffer.from('{"zen":"Design for failure."}');
      const ping = await hook('app', { 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(pingBody).digest('hex')}` }, pingBody);
      assert.equal(ping.status, 200);
      assert.equal(json(ping).fetch, false);
      assert.deepEqual(pushes, [], 'no fetch');
      const logged = logLines.filter((l) => l.code === 'FLEET_WEBHOOK_SIGNATURE' && l.source === `${HOOK_NS}/app`);
      assert.equal(logged.length, refused.length + 1, 'every refusal is logged');
      assert.ok(logged.some((l) => l.msg?.includes('X-Gitlab-Token is not the shared secret')));
    });

    test('an unknown source, a source without webhookSecretRef and an oversized body are refused', async () => {
      pushes.length = 0;
      const unknown = await hook('nope', { 'X-Gitlab-Token': HOOK_SECRET });
      assert.equal(unknown.status, 404);
      assert.equal(json(unknown).code, 'FLEET_WEBHOOK_SOURCE_NOT_FOUND');
      const polled = await hook('polled', { 'X-Gitlab-Token': HOOK_SECRET });
      assert.equal(polled.status, 404);
      assert.equal(json(polled).code, 'FLEET_WEBHOOK_NOT_ENABLED');
      const big = await hook('app', { 'X-Gitlab-Token': HOOK_SECRET }, Buffer.alloc(1024 * 1024 + 1, 0x20));
      assert.equal(big.status, 413);
      assert.equal(json(big).code, 'FLEET_BODY_TOO_LARGE');
      const get = await call(server, `/hooks/git/${HOOK_NS}/app`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST');
      assert.deepEqual(pushes, []);
    });
  });

  test("the manager's module: serves from the disk store under --data-dir and records a push on the GitSource", async () => {
    await server.close();
    const dataDir = join(dir, 'data');
    await mkdir(join(artifactStoreDir(dataDir), 'sha256'), { recursive: true });
    await writeFile(join(artifactStoreDir(dataDir), 'sha256', A.digest.slice('sha256:'.length)), A.bytes);
    const moduleStop = new AbortController();
    const running = runFleetServer({ client, log: logger('fleet-server-module'), signal: moduleStop.signal }, { listen: '127.0.0.1:0', dataDir });
    try {
      const cms = inNamespace(CORE.configMaps, FLEET_NAMESPACE);
      let published: FleetServer | undefined;
      await waitFor(async () => {
        const cm = await client.get<{ data: Record<string, string> }>(cms, HUB_INFO_CONFIGMAP);
        if (cm.data.artifactURL === server.url) return false;
        published = { url: cm.data.artifactURL!, ca: cm.data['ca.crt']!, close: () => Promise.resolve() };
        return true;
      }, 'the module to publish its URL', 20_000, 100);
      const hub = published!;
      const r = await call(hub, artifactPath(A.digest), agentA);
      assert.equal(r.status, 200, r.body.toString());
      assert.deepEqual(r.body, A.bytes);
      assert.equal((await call(hub, artifactPath(B.digest), agentA)).status, 403);

      const body = Buffer.from('{"ref":"refs/heads/main"}');
      const push = await call(hub, `/hooks/git/${HOOK_NS}/app`, { method: 'POST', body, headers: { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}` } });
      assert.equal(push.status, 202, push.body.toString());
      const src = await client.get<{ metadata: { annotations?: Record<string, string> } }>(inNamespace(GIT_SOURCES, HOOK_NS), 'app');
      const at = src.metadata.annotations?.[PUSH_REQUESTED_ANNOTATION];
      assert.ok(at !== undefined && Date.now() - Date.parse(at) < 60_000, `annotation ${String(at)}`);
    } finally {
      moduleStop.abort();
      await running;
    }
  });

  test('`plinth manager --fleet-listen --data-dir` runs the server with the flags given and stops on SIGTERM', async () => {
    const dataDir = join(dir, 'data');
    const cms = inNamespace(CORE.configMaps, FLEET_NAMESPACE);
    const before = (await client.get<{ data: Record<string, string> }>(cms, HUB_INFO_CONFIGMAP)).data.artifactURL;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/app/cli/main.ts', 'manager', '--kubeconfig', cluster.kubeconfigPath, '--no-leader-elect', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', dataDir],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PLINTH_LOG_LEVEL: 'info' } },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let hub: FleetServer | undefined;
      await waitFor(async () => {
        const cm = await client.get<{ data: Record<string, string> }>(cms, HUB_INFO_CONFIGMAP);
        if (cm.data.artifactURL === before) return false;
        hub = { url: cm.data.artifactURL!, ca: cm.data['ca.crt']!, close: () => Promise.resolve() };
        return true;
      }, `the manager's fleet server to publish its URL (stderr: ${stderr.slice(-2000)})`, 60_000, 200);
      assert.match(hub!.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await call(hub!, '/healthz');
      assert.equal(health.status, 200);
      const r = await call(hub!, artifactPath(A.digest), agentA);
      assert.equal(r.status, 200, r.body.toString());
      assert.deepEqual(r.body, A.bytes);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr.slice(-2000));
    assert.match(stderr, /fleet server stopped/);
  });
});
