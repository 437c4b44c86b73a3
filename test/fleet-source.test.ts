// The GitSource controller against a real hub API server and a real `git daemon`: a push is seen by polling,
// two GitSources of one URL and ref share one fetch (counted at the Git server), a Kustomize overlay is
// rendered, invalid YAML names file:line and keeps the previous artifact, tags and commits resolve, and an
// unreachable repository or an unknown ref leave the previous status in place with Ready=False.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '../src/api/install.js';
import type { GitSource } from '../src/api/index.js';
import { KubeClient } from '../src/kube/http.js';
import { inNamespace } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { decodeArtifact } from '../src/fleet/artifact.js';
import { SOURCE_RES, startGitSourceController, type GitSourceController } from '../src/fleet/source/controller.js';
import { FetchTriggers } from '../src/fleet/source/triggers.js';
import { ensureNamespace, waitFor } from './fixtures/kube-helpers.js';
import { startGitServer, type GitServer } from './support/git-server.js';

const NS = 'fleet-source';

/** The CLI as a subprocess (the controller runs in this process's event loop, so never spawnSync). */
function plinth(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
const cm = (name: string, data: Record<string, string> = {}): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`;

describe('GitSource controller on a real hub and a real git daemon', () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let git: GitServer;
  let dataDir: string;
  let controller: GitSourceController;
  const triggers = new FetchTriggers();
  let ac = new AbortController();

  const gsRes = inNamespace(SOURCE_RES.gitSources, NS);
  const fdRes = inNamespace(SOURCE_RES.fleetDeliveries, NS);
  const getSource = (name: string): Promise<GitSource> => client.get<GitSource>(gsRes, name);
  const ready = (gs: GitSource): { status?: string; reason?: string; message?: string } | undefined => gs.status?.conditions?.find((c) => c.type === 'Ready');
  const entry = (gs: GitSource, path: string): NonNullable<NonNullable<GitSource['status']>['artifacts']>[number] | undefined => gs.status?.artifacts?.find((e) => e.path === path);

  async function createSource(name: string, url: string, ref: Record<string, string>, extra: Record<string, unknown> = {}): Promise<void> {
    await client.create(gsRes, { apiVersion: 'fleet.plinth.dev/v1alpha1', kind: 'GitSource', metadata: { name, namespace: NS }, spec: { url, ref, interval: '1h', ...extra } });
  }
  async function createDelivery(name: string, source: string, path: string): Promise<void> {
    await client.create(fdRes, {
      apiVersion: 'fleet.plinth.dev/v1alpha1',
      kind: 'FleetDelivery',
      metadata: { name, namespace: NS },
      spec: { sourceRef: { name: source }, path, placement: { clusterNames: ['nowhere'] } },
    });
  }
  async function waitSource(name: string, what: string, cond: (gs: GitSource) => boolean, timeoutMs = 30_000): Promise<GitSource> {
    let last: GitSource | undefined;
    await waitFor(
      async () => {
        last = await getSource(name);
        return cond(last);
      },
      `${name}: ${what} (last status ${JSON.stringify(last?.status)})`,
      timeoutMs,
      100,
    );
    return last!;
  }
  async function objectsOf(digest: string): Promise<Array<{ kind: string; metadata: { name: string; labels?: Record<string, string> }; data?: Record<string, string> }>> {
    const bytes = await controller.store.read(digest);
    assert.ok(bytes, `artifact ${digest} is in the store`);
    return decodeArtifact(bytes, digest).objects;
  }

  before(async () => {
    [cluster, git] = await Promise.all([startCluster({ version: 'old', nodes: 0 }), startGitServer()]);
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    await ensureNamespace(client, NS);
    dataDir = await mkdtemp(join(tmpdir(), 'plinth-fleet-source-'));
    controller = startGitSourceController({ client, signal: ac.signal, dataDir, triggers });
    await controller.ready;
  });
  after(async () => {
    ac.abort();
    await controller?.done;
    client?.close();
    await Promise.all([cluster?.stop(), git?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('a push is seen by polling; invalid YAML names file:line and keeps the previous artifact; a fix renders again', async () => {
    const url = git.createRepo('poll');
    const c1 = git.commit('poll', { 'web/cm.yaml': cm('web', { color: 'blue' }), 'web/sub/extra.yml': cm('extra'), 'README.md': '# not a manifest' });
    await createSource('poll', url, { branch: 'main' }, { interval: '1s' });
    await createDelivery('poll-web', 'poll', 'web');
    let gs = await waitSource('poll', `commit ${c1} rendered`, (s) => s.status?.commit === c1 && !!entry(s, 'web')?.digest);
    assert.equal(ready(gs)?.status, 'True');
    const d1 = entry(gs, 'web')!.digest!;
    assert.equal(entry(gs, 'web')!.commit, c1);
    assert.deepEqual(
      (await objectsOf(d1)).map((o) => [o.metadata.name, o.data?.color]),
      [
        ['web', 'blue'],
        ['extra', undefined],
      ],
    );

    // A push (no webhook): the 1 s poll sees it.
    const c2 = git.commit('poll', { 'web/cm.yaml': cm('web', { color: 'green' }) });
    gs = await waitSource('poll', `commit ${c2} rendered`, (s) => s.status?.commit === c2 && entry(s, 'web')?.commit === c2);
    const d2 = entry(gs, 'web')!.digest!;
    assert.notEqual(d2, d1);
    assert.equal((await objectsOf(d2))[0]!.data?.color, 'green');

    // Broken YAML on line 7 of web/cm.yaml: the commit moves, the artifact stays the one of c2, Ready=False names file:line.
    const c3 = git.commit('poll', { 'web/cm.yaml': `${cm('web', { color: 'red' })}  broken: [1, 2\n` });
    gs = await waitSource('poll', `commit ${c3} seen with a render error`, (s) => s.status?.commit === c3 && entry(s, 'web')?.error !== undefined);
    assert.equal(entry(gs, 'web')!.digest, d2, 'the previous good artifact is kept');
    assert.equal(entry(gs, 'web')!.commit, c2, 'and says which commit it is from');
    assert.match(entry(gs, 'web')!.error!, /web\/cm\.yaml:7: invalid YAML/);
    assert.equal(ready(gs)?.status, 'False');
    assert.equal(ready(gs)?.reason, 'RenderFailed');
    assert.match(ready(gs)?.message ?? '', /web\/cm\.yaml:7/);
    assert.ok(await controller.store.has(d2));

    // Fixed: renders again.
    const c4 = git.commit('poll', { 'web/cm.yaml': cm('web', { color: 'red' }) });
    gs = await waitSource('poll', `commit ${c4} rendered`, (s) => s.status?.commit === c4 && entry(s, 'web')?.commit === c4 && entry(s, 'web')?.error === undefined);
    assert.equal(ready(gs)?.status, 'True');

    // An artifact lost from disk is rendered again from Git by its index entry.
    const d4 = entry(gs, 'web')!.digest!;
    await rm(controller.store.file(d4)!);
    assert.equal(await controller.store.read(d4), undefined);
    const again = await controller.store.ensure(d4);
    assert.ok(again, 'ensure renders the missing artifact again');
    assert.equal((await objectsOf(d4))[0]!.data?.color, 'red');
  });

  test('two GitSources of one URL and ref share one fetch, counted at the Git server', async () => {
    const url = git.createRepo('shared');
    const c1 = git.commit('shared', { 'app/cm.yaml': cm('shared') });
    await createSource('shared-a', url, { branch: 'main' });
    await createSource('shared-b', url, { branch: 'main' });
    await createDelivery('shared-a', 'shared-a', 'app');
    await createDelivery('shared-b', 'shared-b', 'app');
    for (const n of ['shared-a', 'shared-b']) await waitSource(n, `commit ${c1}`, (s) => s.status?.commit === c1 && !!entry(s, 'app')?.digest);
    // One ls-remote and one fetch for both sources.
    await waitFor(() => git.uploadPacks('shared') >= 2, 'the daemon logged the requests', 5000);
    assert.equal(git.uploadPacks('shared'), 2, 'one ls-remote + one fetch for two GitSources');

    // A webhook push for one of them: the other follows from the same fetch.
    const c2 = git.commit('shared', { 'app/cm.yaml': cm('shared', { v: '2' }) });
    assert.equal(triggers.trigger(NS, 'shared-a'), true);
    for (const n of ['shared-a', 'shared-b']) await waitSource(n, `commit ${c2}`, (s) => s.status?.commit === c2 && entry(s, 'app')?.commit === c2);
    await waitFor(() => git.uploadPacks('shared') >= 4, 'the daemon logged the requests', 5000);
    assert.equal(git.uploadPacks('shared'), 4, 'one more ls-remote + one more fetch, not two of each');
    const a = await getSource('shared-a');
    const b = await getSource('shared-b');
    assert.equal(entry(a, 'app')!.digest, entry(b, 'app')!.digest);
    assert.equal(triggers.trigger(NS, 'no-such-source'), false);
  });

  test('a Kustomize overlay is rendered with kustomize; a kustomization reaching outside the repository is refused', async () => {
    const url = git.createRepo('kust');
    const c1 = git.commit('kust', {
      'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'base/cm.yaml': cm('settings', { level: 'base' }),
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\nnamePrefix: prod-\nlabels:\n- pairs:\n    env: prod\n',
      'overlays/evil/kustomization.yaml': 'resources:\n- ../../../../../../../../etc\n',
    });
    await createSource('kust', url, { branch: 'main' });
    await createDelivery('kust-prod', 'kust', 'overlays/prod');
    await createDelivery('kust-evil', 'kust', 'overlays/evil');
    const gs = await waitSource('kust', 'both paths done', (s) => s.status?.commit === c1 && !!entry(s, 'overlays/prod')?.digest && !!entry(s, 'overlays/evil')?.error, 120_000);
    const objects = await objectsOf(entry(gs, 'overlays/prod')!.digest!);
    assert.deepEqual(
      objects.map((o) => [o.kind, o.metadata.name, o.metadata.labels?.env, o.data?.level]),
      [['ConfigMap', 'prod-settings', 'prod', 'base']],
    );
    assert.match(entry(gs, 'overlays/evil')!.error!, /overlays\/evil\/kustomization\.yaml: resources entry .* leaves the repository/);
    assert.equal(ready(gs)?.status, 'False');
  });

  test('a tag and an abbreviated commit resolve to their commits', async () => {
    const url = git.createRepo('refs');
    const c1 = git.commit('refs', { 'cm.yaml': cm('one') });
    git.tag('refs', 'v1', c1);
    git.commit('refs', { 'cm.yaml': cm('two') });
    await createSource('by-tag', url, { tag: 'v1' });
    await createSource('by-commit', url, { commit: c1.slice(0, 8) });
    await createDelivery('by-tag', 'by-tag', '');
    for (const n of ['by-tag', 'by-commit']) {
      const gs = await waitSource(n, `commit ${c1}`, (s) => s.status?.commit === c1);
      assert.equal(ready(gs)?.status, 'True', JSON.stringify(gs.status));
    }
    const tagged = await getSource('by-tag');
    assert.deepEqual(tagged.status?.artifact, { digest: entry(tagged, '')!.digest, path: '' });
    assert.equal((await objectsOf(entry(tagged, '')!.digest!))[0]!.metadata.name, 'one');
  });

  test('an unreachable repository and an unknown ref: Ready=False in words, the previous status kept', async () => {
    // Nothing listens on the daemon's port + 1 once the probe below fails; the daemon refuses unknown repositories.
    await createSource('nowhere', `${git.base}/no-such-repo.git`, { branch: 'main' });
    let gs = await waitSource('nowhere', 'Ready=False', (s) => ready(s)?.status === 'False');
    assert.equal(ready(gs)?.reason, 'Unreachable');
    assert.match(ready(gs)?.message ?? '', /^cannot reach the Git repository git:\/\/127\.0\.0\.1:\d+\/no-such-repo\.git: /);
    await createSource('closed', 'git://127.0.0.1:9/x.git', { branch: 'main' });
    gs = await waitSource('closed', 'Ready=False', (s) => ready(s)?.status === 'False');
    assert.equal(ready(gs)?.reason, 'Unreachable');
    assert.match(ready(gs)?.message ?? '', /cannot reach the Git repository git:\/\/127\.0\.0\.1:9\/x\.git: .*(refused|connect)/i);

    const url = git.createRepo('moving');
    const c1 = git.commit('moving', { 'cm.yaml': cm('m') });
    await createSource('moving', url, { branch: 'main' });
    await createDelivery('moving', 'moving', '');
    const good = await waitSource('moving', `commit ${c1}`, (s) => s.status?.commit === c1 && !!s.status.artifact);
    await client.patch(gsRes, 'moving', { spec: { ref: { branch: 'nope' } } }, 'merge');
    gs = await waitSource('moving', 'Ready=False', (s) => ready(s)?.status === 'False');
    assert.equal(ready(gs)?.reason, 'UnknownRef');
    assert.match(ready(gs)?.message ?? '', /has no branch nope$/);
    assert.equal(gs.status?.commit, c1, 'the previous commit is kept');
    assert.deepEqual(gs.status?.artifacts, good.status?.artifacts, 'and its artifacts');
    assert.deepEqual(gs.status?.artifact, good.status?.artifact);
  });

  test('a suspended source is not fetched, not even by a webhook, until it is resumed', async () => {
    const url = git.createRepo('paused');
    const c1 = git.commit('paused', { 'cm.yaml': cm('p') });
    await createSource('paused', url, { branch: 'main' }, { suspend: true, interval: '1s' });
    // The webhook is accepted once the controller's cache holds the source, and still fetches nothing.
    await waitFor(() => triggers.trigger(NS, 'paused'), 'the controller knows the source', 10_000);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(git.uploadPacks('paused'), 0, 'no request reached the Git server');
    assert.equal((await getSource('paused')).status?.commit, undefined);
    await client.patch(gsRes, 'paused', { spec: { suspend: false } }, 'merge');
    await waitSource('paused', `commit ${c1}`, (s) => s.status?.commit === c1);
  });

  test('an HTTP(S) token from the Secret is sent; a wrong or missing one is refused in words', async () => {
    const httpBase = await git.startHttp({ username: 'bot', password: 'tok-123' });
    git.createRepo('private');
    const c1 = git.commit('private', { 'cm.yaml': cm('private') });
    const url = `${httpBase}/private.git`;
    const secrets = inNamespace(SOURCE_RES.secrets, NS);
    const b64 = (v: string): string => Buffer.from(v).toString('base64');
    await client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'good-token', namespace: NS }, data: { username: b64('bot'), password: b64('tok-123') } });
    await client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad-token', namespace: NS }, data: { username: b64('bot'), password: b64('wrong-456') } });
    await createSource('private-good', url, { branch: 'main' }, { secretRef: { name: 'good-token' } });
    await createSource('private-bad', url, { branch: 'main' }, { secretRef: { name: 'bad-token' } });
    await createSource('private-none', url, { branch: 'main' });
    await createSource('private-nosecret', url, { branch: 'main' }, { secretRef: { name: 'absent' } });
    await createDelivery('private-good', 'private-good', '');
    const good = await waitSource('private-good', `commit ${c1}`, (s) => s.status?.commit === c1 && !!s.status.artifact);
    assert.equal(ready(good)?.status, 'True');
    for (const name of ['private-bad', 'private-none']) {
      const gs = await waitSource(name, 'Ready=False', (s) => ready(s)?.status === 'False');
      assert.equal(ready(gs)?.reason, 'AuthRefused', JSON.stringify(ready(gs)));
      assert.match(ready(gs)?.message ?? '', /^the Git server refused access to http:\/\/127\.0\.0\.1:\d+\/private\.git: /);
      assert.doesNotMatch(JSON.stringify(gs.status), /tok-123|wrong-456|d3JvbmctNDU2|dG9rLTEyMw/, 'no credential in the status');
    }
    assert.ok(git.httpRefused() >= 2);
    const missing = await waitSource('private-nosecret', 'Ready=False', (s) => ready(s)?.status === 'False');
    assert.equal(ready(missing)?.reason, 'InvalidSpec');
    assert.match(ready(missing)?.message ?? '', /Secret fleet-source\/absent cannot be used: it does not exist/);
  });

  test('a restarted controller (same data dir) asks Git only for the head: no fetch, no render, no status write', async () => {
    const before = await getSource('shared-a');
    const requests = git.uploadPacks('shared');
    ac.abort();
    await controller.done;
    ac = new AbortController(); // the suite's after() stops this one
    controller = startGitSourceController({ client, signal: ac.signal, dataDir, triggers });
    await controller.ready;
    await waitFor(() => git.uploadPacks('shared') >= requests + 1, 'the new controller checked the head', 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(git.uploadPacks('shared'), requests + 1, 'one ls-remote for both sources, and no fetch: the commit is in the cache');
    const now = await getSource('shared-a');
    assert.equal(now.metadata.resourceVersion, before.metadata.resourceVersion, 'status unchanged, not even rewritten');
  });

  test('plinth fleet sources lists them: a table of a namespace, -A -o json', async () => {
    const table = await plinth(['fleet', 'sources', '-n', NS, '--kubeconfig', cluster.kubeconfigPath]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+URL\s+REF\s+COMMIT\s+READY\s+FETCHED$/);
    const moving = lines.find((l) => l.startsWith('moving '));
    assert.match(moving ?? '', /^moving\s+git:\/\/127\.0\.0\.1:\d+\/moving\.git\s+branch nope\s+[0-9a-f]{12}\s+False\s+\d+[smh]$/);
    const all = await plinth(['fleet', 'sources', '-A', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]);
    assert.equal(all.code, 0, all.stderr);
    const items = (JSON.parse(all.stdout) as { items: Array<{ namespace: string; name: string; ready: string; reason?: string; artifacts: unknown[] }> }).items;
    const poll = items.find((i) => i.name === 'poll');
    assert.equal(poll?.namespace, NS);
    assert.equal(poll?.ready, 'True');
    assert.equal(poll?.artifacts.length, 1);
    assert.equal(items.find((i) => i.name === 'closed')?.reason, 'Unreachable');
  });
});
