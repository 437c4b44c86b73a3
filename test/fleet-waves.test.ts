// A rollout in three waves driven by real agents: a NEW hub running the real `plinth manager` (GitSource,
// FleetDelivery, MemberCluster controllers, fleet server), three light members on one shared etcd, each joined with
// the real CLI and running the real `plinth agent`, a real `git daemon`. Wave "first" (m1) is applied and healthy;
// waves "second" (m2) and "third" (m3) each wait for `plinth fleet rollout confirm`, then are applied; a revision
// whose delivery fails on m1 pauses the rollout (onFailure: Pause) and never reaches m2 or m3.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { installCrds } from '../src/api/install.js';
import { FLEET_GROUP, FLEET_VERSION, type FleetDelivery, type MemberCluster } from '../src/api/index.js';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { startCluster, startSharedEtcd, type LocalCluster, type SharedEtcd } from '../src/localenv/index.js';
import { startGitServer, type GitServer } from './support/git-server.js';
import { background, ok, stopProcess, until } from './support/cli.js';
import { sleep } from '../src/kube/clock.js';

const GV = `${FLEET_GROUP}/${FLEET_VERSION}`;
const MEMBERS = ref(GV, 'memberclusters');
const SOURCES = ref(GV, 'gitsources', 'fleet');
const DELIVERIES = ref(GV, 'fleetdeliveries', 'fleet');
const CONFIGMAPS = ref('v1', 'configmaps', 'web');

/** The sample at one value: a Namespace and a ConfigMap; `broken` adds a ConfigMap the API server refuses (a bad name). */
function app(value: string, broken = false): Record<string, string> {
  return {
    'apps/web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
    'apps/web/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: web\ndata:\n  value: "${value}"\n`,
    ...(broken ? { 'apps/web/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\n  namespace: web\ndata:\n  x: "1"\n' } : {}),
  };
}

describe('fleet waves: three waves, confirm between them, pause on a failed member', { timeout: 900_000 }, () => {
  const tag = randomBytes(3).toString('hex');
  let etcd: SharedEtcd;
  let hub: LocalCluster;
  const members: { name: string; cluster?: LocalCluster; client?: KubeClient; agent?: ChildProcess; log: string[] }[] = [
    { name: 'm1', log: [] },
    { name: 'm2', log: [] },
    { name: 'm3', log: [] },
  ];
  let hubClient: KubeClient;
  let git: GitServer;
  let manager: ChildProcess | undefined;
  const managerLog: string[] = [];
  let dataDir: string;

  const value = async (i: number): Promise<string | undefined> =>
    (await members[i]!.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS, 'web-config').catch(() => undefined))?.data?.['value'];
  const delivery = (): Promise<FleetDelivery> => hubClient.get<FleetDelivery>(DELIVERIES, 'web');
  const wavePhase = async (name: string): Promise<string | undefined> => (await delivery()).status?.waves?.find((w) => w.name === name)?.phase;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plinth-fleet-waves-'));
    hub = await startCluster({ version: 'new', nodes: 1, zones: 1 });
    etcd = await startSharedEtcd({ name: `twaves-etcd-${tag}` });
    for (const m of members) m.cluster = await startCluster({ name: `twaves-${m.name}-${tag}`, member: true, sharedEtcd: etcd });
    git = await startGitServer();
    hubClient = await KubeClient.fromKubeConfig(hub.kubeConfig);
    await installCrds(hubClient);
    for (const m of members) m.client = await KubeClient.fromKubeConfig(m.cluster!.kubeConfig);
    git.createRepo('fleet');
    git.commit('fleet', app('v1'), { message: 'v1' });
    manager = background(hub.kubeconfigPath, managerLog, { PLINTH_FLEET_AUTO_ACCEPT: 'tier=edge', PLINTH_LOG_LEVEL: 'info' }, 'manager', '--no-leader-elect', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', dataDir);
  });

  after(async () => {
    for (const m of members) await stopProcess(m.agent);
    await stopProcess(manager);
    for (const m of members) m.client?.close();
    hubClient?.close();
    await Promise.all([hub?.stop(), ...members.map((m) => m.cluster?.stop())]);
    await etcd?.stop();
    await git?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('three members join (auto-accepted by label) and their agents connect', async () => {
    const token = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'token', 'create', '--ttl', '30m', '-o', 'json')) as { token: string; hub: string; caData: string };
    for (const m of members) {
      await ok(m.cluster!.kubeconfigPath, 'fleet', 'join', m.name, '--hub', token.hub, '--token', token.token, '--hub-ca-data', token.caData, '--labels', 'tier=edge');
      m.agent = background(m.cluster!.kubeconfigPath, m.log, { PLINTH_LOG_LEVEL: 'info' }, 'agent', '--cluster', m.name);
    }
    for (const m of members) {
      await until(`${m.name} Ready`, async () => (await hubClient.get<MemberCluster>(MEMBERS, m.name)).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', 120_000, m.log);
    }
  });

  test('wave "first" is applied and healthy; "second" and "third" each wait for confirm; confirmed, each is applied', async () => {
    await hubClient.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } }).catch(() => undefined);
    await hubClient.create(SOURCES, { apiVersion: GV, kind: 'GitSource', metadata: { name: 'apps', namespace: 'fleet' }, spec: { url: git.url('fleet'), ref: { branch: 'main' }, interval: '5s', suspend: false } });
    await hubClient.create<FleetDelivery>(DELIVERIES, {
      apiVersion: GV,
      kind: 'FleetDelivery',
      metadata: { name: 'web', namespace: 'fleet' },
      spec: {
        sourceRef: { name: 'apps' },
        path: 'apps/web',
        placement: { clusterSelector: {} },
        rollout: {
          waves: [
            { name: 'first', clusterNames: ['m1'], maxFailures: 0, soakSeconds: 0, needConfirm: false },
            { name: 'second', clusterNames: ['m2'], maxFailures: 0, soakSeconds: 0, needConfirm: true },
            { name: 'third', clusterNames: ['m3'], maxFailures: 0, soakSeconds: 0, needConfirm: true },
          ],
          onFailure: 'Pause',
          disconnectedDeadlineSeconds: 300,
        },
        prune: true,
        drift: 'Correct',
        suspend: false,
        paused: false,
        confirmedWaves: [],
      },
    });
    await until('v1 on m1', async () => (await value(0)) === 'v1', 120_000, managerLog);
    await until('wave second waits for confirm', async () => (await wavePhase('second')) === 'WaitingForConfirm', 60_000, managerLog);
    await sleep(3_000);
    assert.equal(await value(1), undefined, 'm2 gets nothing before the confirm');
    assert.equal(await wavePhase('first'), 'Succeeded');
    await ok(hub.kubeconfigPath, 'fleet', 'rollout', 'confirm', 'web', '-n', 'fleet');
    await until('v1 on m2 after the confirm', async () => (await value(1)) === 'v1', 90_000, members[1]!.log);
    await until('wave third waits for confirm', async () => (await wavePhase('third')) === 'WaitingForConfirm', 60_000, managerLog);
    await sleep(3_000);
    assert.equal(await value(2), undefined, 'm3 gets nothing before its confirm');
    assert.equal(await wavePhase('second'), 'Succeeded');
    await ok(hub.kubeconfigPath, 'fleet', 'rollout', 'confirm', 'web', '-n', 'fleet');
    await until('v1 on m3 after the confirm', async () => (await value(2)) === 'v1', 90_000, members[2]!.log);
    await until('the rollout succeeded', async () => (await delivery()).status?.phase === 'Succeeded', 60_000, managerLog);
  });

  test('a revision that fails on m1 pauses the rollout (onFailure: Pause); m2 and m3 keep the previous revision', async () => {
    git.commit('fleet', app('v2', true), { message: 'v2 with an invalid object' });
    await until('the rollout paused on the failure', async () => (await delivery()).status?.phase === 'Paused', 120_000, members[0]!.log);
    const d = await delivery();
    assert.ok((d.status?.clusters?.failed ?? 0) >= 1 || (d.status?.failing?.length ?? 0) >= 1, JSON.stringify(d.status));
    await sleep(5_000);
    assert.equal(await value(1), 'v1', 'm2 (a later wave) never got the failing revision');
    assert.equal(await value(2), 'v1', 'm3 (a later wave) never got the failing revision');
  });
});
