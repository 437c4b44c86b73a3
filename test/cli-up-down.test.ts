// The quick start, end to end through the real CLI: `plinth up` starts a cluster with nodes in
// three zones, CRDs and a leading manager; `plinth status`/`kubeconfig` report it; a manager killed with
// SIGKILL is restarted by its supervisor and the new one leads at once; a dead manager whose pid still
// answers (a zombie) is reported dead and replaced by the next `plinth up`; `plinth down` leaves no process
// behind but keeps the data, and `plinth up` brings the same cluster back; `down --purge` deletes it. The console
// `up` starts answers /healthz at the URL it prints, and its one-time sign-in link signs the local admin in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { waitFor } from './fixtures/kube-helpers.js';

const name = `test-up-${randomBytes(3).toString('hex')}`;

function plinth(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function procState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

interface ManagerView {
  pid: number;
  supervisorPid: number;
  alive: boolean;
  supervised: boolean;
  restarts: number;
  lastExit?: { pid: number; signal: string | null };
}

interface ClusterView {
  name: string;
  phase: string;
  server: string;
  stateDir: string;
  components: Record<string, { pid: number | null }>;
  manager?: ManagerView;
  console?: ConsoleView;
  unhealthy?: string;
}

interface ConsoleView {
  url: string;
  pid: number;
  alive: boolean;
  supervised: boolean;
  signInLink?: string;
}

/** The console answers /healthz, and its sign-in link sets the session cookie once. */
async function checkConsole(c: ConsoleView | undefined): Promise<void> {
  assert.ok(c, 'a console is reported');
  assert.equal(c.alive, true);
  const health = await fetch(`${c.url}/healthz`);
  assert.deepEqual(await health.json(), { ok: true });
  assert.match(c.signInLink ?? '', new RegExp(`^${c.url}/api/v1/session/link\\?code=`));
  const signIn = await fetch(c.signInLink!, { redirect: 'manual' });
  assert.equal(signIn.status, 303);
  assert.match(signIn.headers.get('set-cookie') ?? '', /plinth_session=/);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const who = (await (await fetch(`${c.url}/api/v1/session`, { headers: { cookie } })).json()) as { user: string };
  assert.equal(who.user, 'system:serviceaccount:plinth-system:plinth-console-admin');
  assert.equal((await fetch(c.signInLink!, { redirect: 'manual' })).status, 401, 'the link works once');
}

function status(): { code: number; view: ClusterView | undefined; stderr: string } {
  const r = plinth('status', '--name', name, '-o', 'json');
  const items = r.stdout ? (JSON.parse(r.stdout) as { items: ClusterView[] }).items : [];
  return { code: r.code, view: items.find((c) => c.name === name), stderr: r.stderr };
}

const LEASES = ref('coordination.k8s.io/v1', 'leases', 'plinth-system');
const CONFIGMAPS = ref('v1', 'configmaps', 'default');
const CELLDEPLOYMENTS = ref('apps.plinth.dev/v1alpha1', 'celldeployments', 'default');
const RELEASEORDERS = ref('apps.plinth.dev/v1alpha1', 'releaseorders', 'default');

interface Order {
  metadata: { name: string };
  spec: { target: { name: string } };
  status?: { phase?: string; currentBatch?: number };
}

/** A release that stops after its beta batch (needConfirm), so `down` finds it in flight. */
const WEB = {
  apiVersion: 'apps.plinth.dev/v1alpha1',
  kind: 'CellDeployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 6,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    },
    topology: { units: ['zone-a', 'zone-b', 'zone-c'] },
    strategy: { beta: true, batchSize: 1, needConfirm: true, drainSeconds: 1 },
  },
};

async function orderOf(client: KubeClient, cd: string): Promise<Order | undefined> {
  const list = await client.list<Order>(RELEASEORDERS);
  return list.items.find((o) => o.spec.target.name === cd && o.status?.phase !== 'Superseded');
}

async function clientFor(kubeconfig: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return KubeClient.fromKubeConfig(kc);
}

async function waitLeader(client: KubeClient, pid: number, timeoutMs: number): Promise<number> {
  const from = Date.now();
  await waitFor(
    async () => (await client.get<{ spec: { holderIdentity: string } }>(LEASES, 'plinth-manager')).spec.holderIdentity.includes(`_${pid}_`),
    `manager ${pid} to lead`,
    timeoutMs,
  );
  return Date.now() - from;
}

test('plinth up, status, kubeconfig, a supervised manager, down keeping the data, up again, down --purge', { timeout: 900_000 }, async (t) => {
  t.after(() => void plinth('down', '--name', name, '--purge', '--yes'));
  const up = plinth('up', '--name', name, '--nodes', '6', '--zones', '3', '-o', 'json');
  assert.equal(up.code, 0, up.stderr);
  const result = JSON.parse(up.stdout) as {
    kubeconfig: string;
    server: string;
    nodes: { zone: string; ready: boolean }[];
    crds: string[];
    manager: { pid: number };
    console: ConsoleView;
    action: string;
  };
  assert.equal(result.action, 'created');
  assert.equal(result.nodes.length, 6);
  assert.ok(result.nodes.every((n) => n.ready), 'all nodes Ready');
  assert.deepEqual([...new Set(result.nodes.map((n) => n.zone))].sort(), ['zone-a', 'zone-b', 'zone-c']);
  assert.ok(result.crds.includes('celldeployments.apps.plinth.dev'));
  assert.ok(alive(result.manager.pid), 'manager runs in the background after the CLI exited');
  await checkConsole(result.console);

  // Running up again reuses everything.
  const again = plinth('up', '--name', name, '-o', 'json');
  assert.equal(again.code, 0, again.stderr);
  const againResult = JSON.parse(again.stdout) as { reused: boolean; manager: { pid: number }; console: ConsoleView };
  assert.equal(againResult.manager.pid, result.manager.pid);
  assert.equal(againResult.console.pid, result.console.pid, 'the running console is reused');

  const kubeconfig = plinth('kubeconfig', '--name', name);
  assert.equal(kubeconfig.stdout.trim(), result.kubeconfig);

  const healthy = status();
  assert.equal(healthy.code, 0, healthy.stderr);
  assert.equal(healthy.view?.phase, 'Running');
  assert.equal(healthy.view.manager?.alive, true);
  assert.equal(healthy.view.manager.supervised, true);
  await checkConsole(healthy.view.console);
  assert.match(plinth('status', '--name', name).stdout, /sign in \(one-time, 10 minutes\): http:\/\/127\.0\.0\.1:\d+\/api\/v1\/session\/link\?code=/);
  const stateDir = healthy.view.stateDir;
  const clusterPids = Object.values(healthy.view.components).map((c) => c.pid!);
  const firstSupervisor = healthy.view.manager.supervisorPid;

  // The manager holds the leader Lease.
  const client = await clientFor(result.kubeconfig);
  t.after(() => client.close());
  const lease = await client.get<{ spec: { holderIdentity: string } }>(LEASES, 'plinth-manager');
  assert.match(lease.spec.holderIdentity, new RegExp(`^plinth-manager@.+_${result.manager.pid}_\\d+_[0-9a-f]{8}_[a-z0-9]+$`));

  // kill -9 of the manager: its supervisor starts a new one (no `plinth up` needed), which takes the dead one's
  // lease at once (it died on this host) instead of after the 15 s lease ran out.
  process.kill(result.manager.pid, 'SIGKILL');
  let restarted: ManagerView | undefined;
  await waitFor(
    () => {
      const m = status().view?.manager;
      if (m?.alive && m.pid !== result.manager.pid) restarted = m;
      return restarted !== undefined;
    },
    'the supervisor to restart the manager',
    30_000,
    500,
  );
  assert.equal(restarted!.supervisorPid, firstSupervisor);
  assert.equal(restarted!.restarts, 1);
  assert.deepEqual({ pid: restarted!.lastExit?.pid, signal: restarted!.lastExit?.signal }, { pid: result.manager.pid, signal: 'SIGKILL' });
  console.log(`the restarted manager led ${await waitLeader(client, restarted!.pid, 8_000)} ms after it was seen running (lease 15 s)`);
  assert.match(readFileSync(`${stateDir}/manager.log`, 'utf8'), /manager died; restarting it/);

  // A dead manager whose pid still answers kill(pid, 0): its supervisor is frozen, so nobody reaps it.
  process.kill(firstSupervisor, 'SIGSTOP');
  process.kill(restarted!.pid, 'SIGKILL');
  await waitFor(() => procState(restarted!.pid) === 'Z', 'the killed manager to be a zombie', 10_000);
  const dead = status();
  assert.equal(dead.view?.manager?.alive, false, 'a zombie is reported dead');
  assert.equal(dead.code, 3, `status exits 3 while the manager is dead: ${dead.stderr}`);
  assert.match(dead.stderr, new RegExp(`local cluster "${name}" is not healthy: its manager is dead`));
  const table = plinth('status', '--name', name);
  assert.equal(table.code, 3);
  assert.match(table.stdout, /\bDead\b/);

  // `plinth up` replaces it for sure: the frozen supervisor goes, a new one starts a new manager.
  const revived = plinth('up', '--name', name, '-o', 'json');
  assert.equal(revived.code, 0, revived.stderr);
  const third = (JSON.parse(revived.stdout) as { manager: { pid: number }; reused: boolean }).manager.pid;
  assert.ok(third !== restarted!.pid && third !== result.manager.pid, 'up started a new manager');
  assert.equal(alive(firstSupervisor), false, 'the frozen supervisor was stopped');
  const now = status();
  assert.equal(now.code, 0, now.stderr);
  assert.equal(now.view?.manager?.alive, true);
  assert.notEqual(now.view.manager.supervisorPid, firstSupervisor);
  await waitLeader(client, third, 30_000);

  // Data and a release in flight (beta batch done, waiting for a confirmation), then down: no process left, the state stays.
  await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survives-down' }, data: { k: 'v' } });
  await client.create(CELLDEPLOYMENTS, WEB);
  await waitFor(async () => (await client.get<{ status?: { readyReplicas?: number } }>(CELLDEPLOYMENTS, 'web')).status?.readyReplicas === 6, 'web ready', 120_000);
  await client.patch(CELLDEPLOYMENTS, 'web', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.26' }], 'json');
  await waitFor(async () => (await orderOf(client, 'web'))?.status?.phase === 'WaitingForConfirm', 'the release to wait for a confirmation after its beta batch', 120_000);
  const inFlight = (await orderOf(client, 'web'))!;
  const supervisor = now.view.manager.supervisorPid;
  const down = plinth('down', '--name', name);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /data is kept in/);
  for (const pid of [...clusterPids, third, supervisor, result.console.pid]) assert.equal(alive(pid), false, `pid ${pid} still alive after down`);
  await assert.rejects(fetch(`${result.console.url}/healthz`), 'the console stopped with down');
  assert.ok(existsSync(`${stateDir}/etcd`), 'the etcd data stays');
  const stopped = status();
  assert.equal(stopped.code, 0, 'a stopped cluster is not unhealthy');
  assert.equal(stopped.view?.phase, 'Stopped');
  assert.equal(stopped.view.manager, undefined);
  const after = plinth('kubeconfig', '--name', name);
  assert.equal(after.code, 1);
  assert.match(after.stderr, /no local cluster .* is running.*plinth up/);

  // up again: the same cluster, on the same API server port and kubeconfig, with its data, and a manager.
  const back = plinth('up', '--name', name, '-o', 'json');
  assert.equal(back.code, 0, back.stderr);
  const backResult = JSON.parse(back.stdout) as { server: string; kubeconfig: string; action: string; manager: { pid: number }; console: ConsoleView };
  assert.equal(backResult.action, 'restarted');
  assert.equal(backResult.server, result.server);
  assert.equal(backResult.kubeconfig, result.kubeconfig);
  assert.ok(alive(backResult.manager.pid));
  await checkConsole(backResult.console);
  const client2 = await clientFor(backResult.kubeconfig);
  t.after(() => client2.close());
  const kept = await client2.get<{ data: Record<string, string> }>(CONFIGMAPS, 'survives-down');
  assert.deepEqual(kept.data, { k: 'v' });
  await waitLeader(client2, backResult.manager.pid, 30_000);
  // The release goes on where it stopped: the same order, still waiting; confirmed, it completes.
  const resumed = await orderOf(client2, 'web');
  assert.equal(resumed?.metadata.name, inFlight.metadata.name);
  assert.equal(resumed.status?.phase, 'WaitingForConfirm');
  await client2.patch(RELEASEORDERS, inFlight.metadata.name, { spec: { confirmedBatches: 10 } }, 'merge');
  await waitFor(async () => (await client2.get<Order>(RELEASEORDERS, inFlight.metadata.name)).status?.phase === 'Completed', 'the release to complete after up', 180_000);
  const pods = await client2.list<{ spec: { containers: { image: string }[] } }>(ref('v1', 'pods', 'default'), { labelSelector: 'app=web' });
  assert.equal(pods.items.length, 6);
  assert.ok(pods.items.every((p) => p.spec.containers[0]!.image === 'nginx:1.26'), 'every pod runs the new image');

  // A port taken while the cluster was down: the API server moves to a free one, the kubeconfig follows.
  assert.equal(plinth('down', '--name', name).code, 0);
  const port = Number(new URL(result.server).port);
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  t.after(() => {
    if (squatter.listening) squatter.close();
  });
  const moved = plinth('up', '--name', name, '-o', 'json');
  squatter.close();
  assert.equal(moved.code, 0, moved.stderr);
  const movedResult = JSON.parse(moved.stdout) as { server: string; kubeconfig: string; manager: { pid: number } };
  assert.notEqual(movedResult.server, result.server);
  assert.match(moved.stderr, new RegExp(`port ${port} \\(apiserver\\) is taken`));
  const client3 = await clientFor(movedResult.kubeconfig);
  t.after(() => client3.close());
  assert.equal(client3.server, movedResult.server);
  assert.deepEqual((await client3.get<{ data: Record<string, string> }>(CONFIGMAPS, 'survives-down')).data, { k: 'v' });

  // --purge without a terminal and without --yes: refused, nothing stopped or deleted.
  const refused = plinth('down', '--name', name, '--purge');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /not deleting the data of local cluster .*no terminal.*--yes/);
  assert.ok(existsSync(`${stateDir}/cluster.json`));
  assert.equal(status().view?.phase, 'Running');

  const purged = plinth('down', '--name', name, '--purge', '--yes');
  assert.equal(purged.code, 0, purged.stderr);
  assert.equal(existsSync(stateDir), false, 'the state dir is gone');
  assert.equal(alive(movedResult.manager.pid), false);
  const none = plinth('status', '--name', name);
  assert.equal(none.code, 1);
});

test('bad flags get one clear line and exit code 1', () => {
  const r = plinth('up', '--nodes', '0');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--nodes must be a whole number from 1 to 5000/);
  const o = plinth('status', '-o', 'xml');
  assert.equal(o.code, 1);
  assert.match(o.stderr, /^error: invalid --output: "xml" is not a known format .*use one of: table, wide, json, yaml, name\n$/);
});
