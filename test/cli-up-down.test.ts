// The quick start, end to end through the real CLI: `plinth up` starts a cluster with nodes in
// three zones, CRDs and a leading manager; `plinth status`/`kubeconfig` report it; a manager killed with
// SIGKILL is replaced by the next `plinth up` and the new one leads at once; `plinth down` leaves no process
// behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { waitFor } from './fixtures/kube-helpers.js';

const name = `test-up-${randomBytes(3).toString('hex')}`;

function plinth(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('plinth up, status, kubeconfig, down', { timeout: 600_000 }, async (t) => {
  t.after(() => void plinth('down', '--name', name));
  const up = plinth('up', '--name', name, '--nodes', '6', '--zones', '3', '-o', 'json');
  assert.equal(up.code, 0, up.stderr);
  const result = JSON.parse(up.stdout) as {
    kubeconfig: string;
    nodes: { zone: string; ready: boolean }[];
    crds: string[];
    manager: { pid: number };
  };
  assert.equal(result.nodes.length, 6);
  assert.ok(result.nodes.every((n) => n.ready), 'all nodes Ready');
  assert.deepEqual([...new Set(result.nodes.map((n) => n.zone))].sort(), ['zone-a', 'zone-b', 'zone-c']);
  assert.ok(result.crds.includes('celldeployments.apps.plinth.dev'));
  assert.ok(alive(result.manager.pid), 'manager runs in the background after the CLI exited');

  // Running up again reuses everything.
  const again = plinth('up', '--name', name, '-o', 'json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { reused: boolean; manager: { pid: number } }).manager.pid, result.manager.pid);

  const kubeconfig = plinth('kubeconfig', '--name', name);
  assert.equal(kubeconfig.stdout.trim(), result.kubeconfig);

  const status = plinth('status', '-o', 'json');
  const listed = (JSON.parse(status.stdout) as { items: { name: string; phase: string; components: Record<string, { pid: number }> }[] }).items;
  // Exit 1 means some cluster is Degraded: other test files' clusters run beside this one and some stop a component on purpose.
  assert.equal(status.code, listed.some((c) => c.phase === 'Degraded') ? 1 : 0, status.stderr);
  const mine = listed.find((c) => c.name === name);
  assert.equal(mine?.phase, 'Running');
  const pids = Object.values(mine.components).map((c) => c.pid);

  // The manager holds the leader Lease.
  const kc = new KubeConfig();
  kc.loadFromFile(result.kubeconfig);
  const client = await KubeClient.fromKubeConfig(kc);
  const lease = await client.get<{ spec: { holderIdentity: string } }>(ref('coordination.k8s.io/v1', 'leases', 'plinth-system'), 'plinth-manager');
  assert.match(lease.spec.holderIdentity, new RegExp(`^plinth-manager@.+_${result.manager.pid}_\\d+_[0-9a-f]{8}_[a-z0-9]+$`));

  // kill -9 of the manager, then up again: a new manager, which takes the dead one's lease at once (it died on
  // this host) instead of after the 15 s lease ran out.
  process.kill(result.manager.pid, 'SIGKILL');
  await waitFor(() => !alive(result.manager.pid), 'the killed manager to be gone', 10_000);
  const restarted = plinth('up', '--name', name, '-o', 'json');
  assert.equal(restarted.code, 0, restarted.stderr);
  const newPid = (JSON.parse(restarted.stdout) as { manager: { pid: number } }).manager.pid;
  assert.notEqual(newPid, result.manager.pid, 'up started a new manager');
  const upReturned = Date.now();
  const leases = ref('coordination.k8s.io/v1', 'leases', 'plinth-system');
  await waitFor(
    async () => (await client.get<{ spec: { holderIdentity: string } }>(leases, 'plinth-manager')).spec.holderIdentity.includes(`_${newPid}_`),
    'the new manager to lead',
    8_000,
  );
  const tookMs = Date.now() - upReturned;
  console.log(`the restarted manager led ${tookMs} ms after plinth up returned (lease 15 s)`);
  client.close();

  const down = plinth('down', '--name', name);
  assert.equal(down.code, 0, down.stderr);
  for (const pid of [...pids, newPid]) assert.equal(alive(pid), false, `pid ${pid} still alive after down`);
  const after = plinth('kubeconfig', '--name', name);
  assert.equal(after.code, 1);
  assert.match(after.stderr, /no local cluster .* is running.*plinth up/);
});

test('bad flags get one clear line and exit code 1', () => {
  const r = plinth('up', '--nodes', '0');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--nodes must be a whole number from 1 to 5000/);
  const o = plinth('status', '-o', 'xml');
  assert.equal(o.code, 1);
  assert.match(o.stderr, /^error: invalid --output: "xml" is not a known format .*use one of: table, wide, json, yaml, name\n$/);
});
