// The local fleet stack through the real CLI: `plinth up --members 2` starts the hub, two light member
// clusters on one shared etcd with their supervised agents, and a `git daemon` serving the sample repository;
// `plinth status` lists the three clusters with their roles and kubeconfigs; `plinth kubeconfig --cluster`
// prints a member's; each member's API server answers (the edge member's nodes are arm64); `plinth fleet
// create|recycle --provider local` adds and removes a member (one cycle timed); `plinth down` leaves no
// process behind and keeps the data; `plinth up` brings the same stack back; `down --purge` deletes it.
// The members join the hub through the real `plinth fleet token create | join | accept`, run the real agent, and
// the sample deliveries `up` creates bring the sample repository to them (the edge member through its overlay).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';

const hub = `tfleet-${randomBytes(3).toString('hex')}`;
const env: NodeJS.ProcessEnv = { ...process.env };

function plinth(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { encoding: 'utf8', timeout: 600_000, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The process exists and is not a zombie. */
function alive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

interface View {
  name: string;
  role: 'hub' | 'member';
  member?: string;
  hub?: string;
  labels?: Record<string, string>;
  phase: string;
  server: string;
  kubeconfig: string;
  stateDir: string;
  components: Record<string, { pid: number | null; alive: boolean }>;
  manager?: { pid: number; supervisorPid: number; alive: boolean };
  agent?: { pid: number; alive: boolean; supervised: boolean };
  git?: { url: string; alive: boolean };
  unhealthy?: string;
}

/** Our stack's clusters in `plinth status -o json` (other local clusters may run on the machine). */
function ours(): { views: View[]; sick: string[] } {
  const r = plinth('status', '-o', 'json');
  const items = r.stdout ? (JSON.parse(r.stdout) as { items: View[] }).items : [];
  const views = items.filter((v) => v.name === hub || v.hub === hub);
  return { views, sick: views.filter((v) => v.unhealthy).map((v) => `${v.name}: ${v.unhealthy}`) };
}

async function clientFor(kubeconfig: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return KubeClient.fromKubeConfig(kc);
}

interface NodeObj {
  metadata: { labels?: Record<string, string> };
  status?: { nodeInfo?: { architecture?: string }; conditions?: { type: string; status: string }[] };
}

/** Every pid of the stack: cluster components, the members' shared etcd, the Git server, agents and their supervisors, the manager. */
function stackPids(views: View[]): number[] {
  const pids: number[] = [];
  for (const v of views) {
    for (const c of Object.values(v.components)) if (c.pid) pids.push(c.pid);
    if (v.manager) pids.push(v.manager.pid, v.manager.supervisorPid);
    if (v.agent) pids.push(v.agent.pid);
  }
  const hubView = views.find((v) => v.role === 'hub')!;
  const fleet = JSON.parse(readFileSync(join(hubView.stateDir, 'fleet.json'), 'utf8')) as {
    git: { pid: number };
    etcd: { stateDir: string };
    members: { agentDir: string }[];
  };
  pids.push(fleet.git.pid);
  pids.push((JSON.parse(readFileSync(join(fleet.etcd.stateDir, 'etcd.json'), 'utf8')) as { pid: number }).pid);
  for (const m of fleet.members) pids.push((JSON.parse(readFileSync(join(m.agentDir, 'manager.json'), 'utf8')) as { supervisorPid: number }).supervisorPid);
  return pids;
}

function lsRemote(url: string): string {
  const r = spawnSync('git', ['ls-remote', url], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('plinth up --members 2: hub, members, agents and Git server; status, kubeconfig, create/recycle, down, up again', { timeout: 1_200_000 }, async (t) => {
  t.after(() => void plinth('down', '--name', hub, '--purge', '--yes'));

  const up = plinth('up', '--name', hub, '--nodes', '1', '--zones', '1', '--members', '2', '-o', 'json');
  assert.equal(up.code, 0, up.stderr);
  const result = JSON.parse(up.stdout) as { fleet: { members: { name: string; kubeconfig: string; labels: Record<string, string>; action: string }[]; git: { url: string } } };
  assert.deepEqual(result.fleet.members.map((m) => [m.name, m.action, m.labels.tier, m.labels.arch]), [
    ['province-1', 'created', 'province', 'amd64'],
    ['edge-1', 'created', 'edge', 'arm64'],
  ]);

  // status: three clusters with roles and kubeconfigs, the Git URL on the hub, agents running.
  const st = ours();
  assert.deepEqual(st.sick, []);
  assert.deepEqual(st.views.map((v) => [v.name, v.role, v.member ?? '']).sort(), [
    [hub, 'hub', ''],
    [`${hub}-edge-1`, 'member', 'edge-1'],
    [`${hub}-province-1`, 'member', 'province-1'],
  ].sort());
  for (const v of st.views) {
    assert.equal(v.phase, 'Running', v.name);
    assert.ok(existsSync(v.kubeconfig), `${v.name}: kubeconfig ${v.kubeconfig}`);
    if (v.role === 'member') assert.equal(v.agent?.alive && v.agent.supervised, true, `${v.name}: agent supervised and running`);
  }
  const hubView = st.views.find((v) => v.role === 'hub')!;
  assert.equal(hubView.git?.url, result.fleet.git.url);
  assert.equal(hubView.git.alive, true);

  // kubeconfig --cluster prints the member's.
  const edge = st.views.find((v) => v.member === 'edge-1')!;
  const kc = plinth('kubeconfig', '--name', hub, '--cluster', 'edge-1');
  assert.equal(kc.code, 0, kc.stderr);
  assert.equal(kc.stdout.trim(), edge.kubeconfig);
  const unknown = plinth('kubeconfig', '--name', hub, '--cluster', 'nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no local member cluster "nope".*province-1, edge-1/);

  // Each member's API answers, with one Ready node; the edge member's is arm64. Members are light: no etcd of
  // their own (one shared etcd, a key prefix each) and only the member controllers.
  for (const v of st.views.filter((x) => x.role === 'member')) {
    const client = await clientFor(v.kubeconfig);
    try {
      const nodes = await client.list<NodeObj>(ref('v1', 'nodes'));
      assert.equal(nodes.items.length, 1, v.name);
      assert.ok(nodes.items[0]!.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), `${v.name}: node Ready`);
      const arch = v.member === 'edge-1' ? 'arm64' : 'amd64';
      assert.equal(nodes.items[0]!.metadata.labels?.['kubernetes.io/arch'], arch);
      assert.equal(nodes.items[0]!.status?.nodeInfo?.architecture, arch);
    } finally {
      client.close();
    }
    assert.equal(v.components.etcd?.pid, null, `${v.name} runs no etcd of its own`);
    assert.equal(v.components.etcd?.alive, true, `${v.name}: the shared etcd runs`);
    const cmArgs = readFileSync(`/proc/${v.components['kube-controller-manager']!.pid}/cmdline`, 'utf8');
    assert.match(cmArgs, /--controllers=deployment,replicaset,/);
    const apiArgs = readFileSync(`/proc/${v.components['kube-apiserver']!.pid}/cmdline`, 'utf8');
    assert.match(apiArgs, new RegExp(`--etcd-prefix=/plinth-members/${v.name}`));
  }

  // The Git server serves the sample repository; a clone has the base and the overlay.
  assert.match(lsRemote(hubView.git.url), /refs\/heads\/main/);
  const work = mkdtempSync(join(tmpdir(), 'plinth-sample-clone-'));
  try {
    const clone = spawnSync('git', ['clone', '-q', hubView.git.url, join(work, 'c')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(clone.status, 0, clone.stderr);
    assert.ok(existsSync(join(work, 'c', 'base', 'deployment.yaml')));
    assert.ok(existsSync(join(work, 'c', 'overlays', 'edge', 'kustomization.yaml')));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  // The sample deliveries reach both members through their agents: the base on province-1, the edge overlay
  // (label site=edge) on edge-1.
  for (const v of st.views.filter((x) => x.role === 'member')) {
    const client = await clientFor(v.kubeconfig);
    try {
      const deadline = Date.now() + 120_000;
      let cm: { metadata: { labels?: Record<string, string> }; data?: Record<string, string> } | undefined;
      while (!cm && Date.now() < deadline) {
        cm = await client.get<typeof cm & object>(ref('v1', 'configmaps', 'hello'), 'hello').catch(() => undefined);
        if (!cm) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(cm, `${v.name}: the sample ConfigMap arrived from Git`);
      assert.equal(cm.data?.['greeting'], 'Hello from the fleet');
      assert.equal(cm.metadata.labels?.['site'], v.member === 'edge-1' ? 'edge' : undefined, `${v.name}: the edge overlay applies only on edge members`);
    } finally {
      client.close();
    }
  }

  // fleet create + recycle with the local provider: one cycle, timed.
  const t0 = Date.now();
  const created = plinth('fleet', 'create', 'edge-9', '--provider', 'local', '--labels', 'tier=edge,region=west', '--local-hub', hub, '-o', 'json');
  assert.equal(created.code, 0, created.stderr);
  const c = JSON.parse(created.stdout) as { cluster: string; kubeconfig: string; agentPid: number };
  assert.equal(c.cluster, `${hub}-edge-9`);
  assert.ok(alive(c.agentPid), 'the new member has its agent');
  assert.equal(ours().views.length, 4);
  const again = plinth('fleet', 'create', 'edge-9', '--provider', 'local', '--local-hub', hub);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /cluster "edge-9" already exists/);
  const badProvider = plinth('fleet', 'create', 'x', '--provider', 'capi', '--local-hub', hub);
  assert.match(badProvider.stderr, /unknown cluster provider "capi" \(known: local\)/);
  const noYes = plinth('fleet', 'recycle', 'edge-9', '--local-hub', hub);
  assert.equal(noYes.code, 1);
  assert.match(noYes.stderr, /not recycling cluster "edge-9": there is no terminal/);
  const recycled = plinth('fleet', 'recycle', 'edge-9', '--yes', '--local-hub', hub, '-o', 'json');
  assert.equal(recycled.code, 0, recycled.stderr);
  const cycleSeconds = (Date.now() - t0) / 1000;
  t.diagnostic(`create -> recycle of a local member: ${cycleSeconds.toFixed(1)} s through the CLI (${Math.floor(3600 / cycleSeconds)} cycles/hour)`);
  assert.equal(alive(c.agentPid), false, "the recycled member's agent is gone");
  assert.equal(existsSync(c.kubeconfig), false, "the recycled member's data is gone");
  assert.equal(ours().views.length, 3);

  // down: no process of the stack is left; the data stays.
  const before = ours().views;
  const pids = stackPids(before);
  assert.ok(pids.every((p) => alive(p)), 'every recorded process ran before down');
  const down = plinth('down', '--name', hub);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /stopped 2 member cluster\(s\) \(province-1, edge-1\)/);
  assert.deepEqual(pids.filter((p) => alive(p)), [], 'no process left after down');
  for (const v of before) assert.ok(existsSync(v.kubeconfig), `${v.name}: data kept`);
  const stopped = ours();
  assert.deepEqual(stopped.sick, [], 'a stopped stack is healthy');
  assert.ok(stopped.views.every((v) => v.phase === 'Stopped'));

  // up again: the same members on the same API servers, the same Git server with the same repository.
  // (no --members: a hub with recorded members brings them back)
  const up2 = plinth('up', '--name', hub, '-o', 'json');
  assert.equal(up2.code, 0, up2.stderr);
  const r2 = JSON.parse(up2.stdout) as { action: string; fleet: { members: { name: string; action: string }[]; git: { url: string } } };
  assert.equal(r2.action, 'restarted');
  assert.deepEqual(r2.fleet.members.map((m) => [m.name, m.action]), [
    ['province-1', 'restarted'],
    ['edge-1', 'restarted'],
  ]);
  assert.equal(r2.fleet.git.url, hubView.git.url);
  assert.match(lsRemote(r2.fleet.git.url), /refs\/heads\/main/);
  const after = ours();
  assert.deepEqual(after.sick, []);
  for (const v of after.views) {
    const old = before.find((b) => b.name === v.name)!;
    assert.equal(v.server, old.server, `${v.name}: same API server`);
    assert.equal(v.phase, 'Running');
  }
  const client = await clientFor(after.views.find((v) => v.member === 'province-1')!.kubeconfig);
  try {
    assert.equal((await client.list(ref('v1', 'nodes'))).items.length, 1, 'the member kept its data');
  } finally {
    client.close();
  }

  const purge = plinth('down', '--name', hub, '--purge', '--yes');
  assert.equal(purge.code, 0, purge.stderr);
  for (const v of after.views) assert.equal(existsSync(v.stateDir), false, `${v.name}: data deleted`);
});
