// The switch rehearsal on real local clusters: an OLD 1.24 cluster with workloads (Deployment, batch/v1beta1
// CronJob, policy/v1beta1 PDB, autoscaling/v2beta2 HPA, Ingress, CRD with CRs, ConfigMap, Secret) is switched
// to a NEW 1.34 cluster by `plinth upgrade switch --plan` whose local-executor commands stop and start the
// clusters (`plinth local stop --keep-data` / `plinth local start`), then rolled back to OLD with its state
// intact. Also: a plan naming a failing host stops in a recorded state, loses nothing, prints the rollback
// command and resumes from the failed phase.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, stopCluster } from '../src/localenv/index.js';
import { ref } from '../src/kube/resource.js';
import type { KubeClient } from '../src/kube/http.js';
import type { RunReport } from '../src/upgrade/migrate/switch/report.js';
import type { RunState } from '../src/upgrade/migrate/switch/state.js';
import { clientOf, NS, plinth, WIDGET_REF, WIDGETS, workloads, writePlan, type LocalSide } from './support/upgrade-switch-env.js';
import { sleep } from '../src/kube/clock.js';

interface Snapshot {
  [key: string]: { uid: string; resourceVersion: string };
}

/** uid and resourceVersion of the objects no controller writes to (they must survive a rollback unchanged). */
async function identities(c: KubeClient): Promise<Snapshot> {
  const out: Snapshot = {};
  const take = async (key: string, r: Parameters<KubeClient['get']>[0], name: string): Promise<void> => {
    const o = await c.get(r, name);
    out[key] = { uid: o.metadata!.uid!, resourceVersion: o.metadata!.resourceVersion! };
  };
  await take('configmap', ref('v1', 'configmaps', NS), 'web-config');
  await take('secret', ref('v1', 'secrets', NS), 'web-secret');
  await take('ingress', ref('networking.k8s.io/v1', 'ingresses', NS), 'web');
  await take('service', ref('v1', 'services', NS), 'web');
  for (const w of WIDGETS) await take(`widget/${w.metadata.name}`, WIDGET_REF, w.metadata.name);
  return out;
}

async function waitReady(c: KubeClient, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await c.get<{ status?: { readyReplicas?: number } }>(ref('apps/v1', 'deployments', NS), 'web');
    if (d.status?.readyReplicas === 2) return;
    if (Date.now() > end) throw new Error('deployment web not ready');
    await sleep(250);
  }
}

describe('upgrade switch rehearsal (OLD 1.24 -> NEW 1.34 -> rollback)', { timeout: 900_000 }, () => {
  let tmp: string;
  let oldSide: LocalSide;
  let newSide: LocalSide;
  let before1: Snapshot;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'plinth-switch-'));
    const id = Math.random().toString(36).slice(2, 7);
    oldSide = { name: `sw-old-${id}`, stateDir: join(tmp, 'old'), version: 'old' };
    newSide = { name: `sw-new-${id}`, stateDir: join(tmp, 'new'), version: 'new' };
    // Detached, data kept on stop: the plan's commands (other processes) stop and start it.
    await startCluster({ name: oldSide.name, stateDir: oldSide.stateDir, version: 'old', nodes: 2, zones: 2, detached: true, keepStateDir: true });
    const c = await clientOf(join(oldSide.stateDir, 'kubeconfig'));
    try {
      for (const { r, obj } of workloads()) {
        await c.create(r, obj);
        if ((obj as { kind: string }).kind === 'CustomResourceDefinition') {
          const end = Date.now() + 30_000;
          for (;;) {
            const crd = await c.get<{ status?: { conditions?: { type: string; status: string }[] } }>(r, 'widgets.example.com');
            if (crd.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')) break;
            if (Date.now() > end) throw new Error('CRD not established');
            await new Promise((res) => setTimeout(res, 200));
          }
        }
      }
      for (const w of WIDGETS) await c.create(WIDGET_REF, w);
      await waitReady(c);
      before1 = await identities(c);
    } finally {
      c.close();
    }
  });

  after(async () => {
    for (const s of [oldSide, newSide]) {
      if (s && existsSync(join(s.stateDir, 'cluster.json'))) await stopCluster(s.name, { stateDir: s.stateDir }).catch(() => undefined);
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('plinth local start refuses a kept cluster of another version and a name with no kept cluster', async () => {
    const wrong = await plinth(['local', 'start', '--name', oldSide.name, '--state-dir', oldSide.stateDir, '--kube-version', 'new']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /the kept cluster "sw-old-\w+" runs old \(v1\.24\.17\), not new/);
    const none = await plinth(['local', 'start', '--name', 'nothing-here', '--state-dir', join(tmp, 'nothing')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no kept local cluster "nothing-here"/);
    // Already running: start is a no-op that prints the kubeconfig.
    const again = await plinth(['local', 'start', '--name', oldSide.name, '--state-dir', oldSide.stateDir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), join(oldSide.stateDir, 'kubeconfig'));
  });

  test('a plan naming a failing host stops in a recorded state, prints the rollback command, loses nothing, resumes', async () => {
    const plan = join(tmp, 'failing.yaml');
    const workDir = join(tmp, 'work-failing');
    await writePlan(plan, { old: oldSide, new: newSide, workDir, overrides: { oldStop: ['echo stopping; exit 3'] } });
    const r = await plinth(['upgrade', 'switch', '--plan', plan, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /host "master-1" failed during clean: `echo stopping; exit 3` exited with 3/);
    assert.match(r.stderr, new RegExp(`plinth upgrade rollback --plan ${plan.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.phases.map((p) => [p.name, p.status]), [['init', 'done'], ['backup', 'done'], ['clean', 'failed'], ['install', 'pending'], ['import', 'pending'], ['verify', 'pending']]);
    assert.equal(report.serving, 'old');
    assert.ok(report.rollbackCommand);
    const state = JSON.parse(await readFile(join(workDir, 'switch-state.json'), 'utf8')) as RunState;
    assert.equal(state.status, 'failed');
    assert.equal(state.error?.phase, 'clean');
    assert.match(await readFile(join(workDir, 'logs', 'switch-clean.log'), 'utf8'), /stopping/);
    // Nothing lost: the old cluster still serves, unchanged.
    const c = await clientOf(join(oldSide.stateDir, 'kubeconfig'));
    try {
      assert.deepEqual(await identities(c), before1);
    } finally {
      c.close();
    }
    // Rerunning resumes at the failed phase: init and backup are not run again.
    const backupMs = state.phases.find((p) => p.name === 'backup')?.durationMs;
    const again = await plinth(['upgrade', 'switch', '--plan', plan, '-o', 'json']);
    assert.equal(again.code, 1);
    const st2 = JSON.parse(await readFile(join(workDir, 'switch-state.json'), 'utf8')) as RunState;
    assert.equal(st2.phases.find((p) => p.name === 'backup')?.durationMs, backupMs);
    assert.equal(st2.error?.phase, 'clean');

    // The printed rollback command works on a switch that stopped early: the NEW cluster never started
    // (its stop is a no-op), OLD is already serving, and it still holds every exported object unchanged.
    const rb = await plinth(['upgrade', 'rollback', '--plan', plan, '-o', 'json']);
    assert.equal(rb.code, 0, rb.stderr);
    const rr = JSON.parse(rb.stdout) as RunReport;
    assert.equal(rr.serving, 'old');
    assert.match(rr.phases.at(-1)!.detail, /present and unchanged/);
  });

  test('an unreachable ssh host fails init, naming the host; nothing is touched', async () => {
    const plan = join(tmp, 'ssh.yaml');
    await writePlan(plan, {
      old: oldSide,
      new: newSide,
      workDir: join(tmp, 'work-ssh'),
      extraHosts: `  - name: master-2\n    executor: { type: ssh, host: 127.0.0.1, port: 1, user: nobody, connectTimeoutSeconds: 3 }\n    old: { stop: ["true"], start: ["true"] }\n    new: { stop: ["true"], start: ["true"] }\n`,
    });
    const r = await plinth(['upgrade', 'switch', '--plan', plan]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /host "master-2" failed during init: `true` failed: ssh could not reach or log in to the host \(exit 255\)/);
    assert.match(r.stdout, /init\s+failed/);
  });

  test('switch moves every workload to NEW, rollback brings OLD back with its state intact', async () => {
    const plan = join(tmp, 'plan.yaml');
    const workDir = join(tmp, 'work');
    await writePlan(plan, { old: oldSide, new: newSide, workDir });
    const sw = await plinth(['upgrade', 'switch', '--plan', plan, '-o', 'json']);
    assert.equal(sw.code, 0, `${sw.stderr}\n${sw.stdout}`);
    const report = JSON.parse(sw.stdout) as RunReport;
    assert.equal(report.status, 'done');
    assert.equal(report.serving, 'new');
    assert.deepEqual(report.phases.map((p) => p.name), ['init', 'backup', 'clean', 'install', 'import', 'verify']);
    for (const p of report.phases) assert.ok(p.status === 'done' && typeof p.seconds === 'number', `${p.name}: ${p.status}`);
    process.stderr.write(`switch phases: ${report.phases.map((p) => `${p.name}=${p.seconds}s`).join(' ')} total=${report.totalSeconds}s\n`);
    // The assessment over the export (served versions at the target) is kept in the work dir.
    const assess = JSON.parse(await readFile(join(workDir, 'assess.json'), 'utf8')) as { targetVersion: string; unserved: unknown[] };
    assert.equal(assess.targetVersion, 'v1.34');
    assert.match(report.phases[1]!.detail, /exported \d+ objects/);

    // OLD is down; NEW serves every workload in the target's APIs, ready.
    const old = await clientOf(join(oldSide.stateDir, 'kubeconfig'));
    await assert.rejects(old.request({ method: 'GET', path: '/version', timeoutMs: 3000 }));
    old.close();
    const nw = await clientOf(join(newSide.stateDir, 'kubeconfig'));
    try {
      const v = await nw.request<{ gitVersion: string }>({ method: 'GET', path: '/version' });
      assert.match(v.gitVersion, /^v1\.34\./);
      await waitReady(nw);
      const cj = await nw.get<{ spec: { schedule: string } }>(ref('batch/v1', 'cronjobs', NS), 'nightly');
      assert.equal(cj.spec.schedule, '0 3 * * *');
      const pdb = await nw.get<{ spec: { minAvailable: number } }>(ref('policy/v1', 'poddisruptionbudgets', NS), 'web');
      assert.equal(pdb.spec.minAvailable, 1);
      const hpa = await nw.get<{ spec: { maxReplicas: number } }>(ref('autoscaling/v2', 'horizontalpodautoscalers', NS), 'web');
      assert.equal(hpa.spec.maxReplicas, 5);
      await nw.get(ref('networking.k8s.io/v1', 'ingresses', NS), 'web');
      const cm = await nw.get<{ data: Record<string, string> }>(ref('v1', 'configmaps', NS), 'web-config');
      assert.equal(cm.data['app.properties'], 'color=blue\nsize=3\n');
      const sec = await nw.get<{ data: Record<string, string> }>(ref('v1', 'secrets', NS), 'web-secret');
      assert.equal(Buffer.from(sec.data.password ?? '', 'base64').toString(), 's3cr3t');
      for (const w of WIDGETS) {
        const got = await nw.get<{ spec: unknown }>(WIDGET_REF, w.metadata.name);
        assert.deepEqual(got.spec, w.spec);
      }
    } finally {
      nw.close();
    }

    // A second switch with the same work dir is refused: it already completed.
    const again = await plinth(['upgrade', 'switch', '--plan', plan]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already completed/);

    const t0 = Date.now();
    const rb = await plinth(['upgrade', 'rollback', '--plan', plan, '-o', 'json']);
    const wall = (Date.now() - t0) / 1000;
    assert.equal(rb.code, 0, `${rb.stderr}\n${rb.stdout}`);
    const rr = JSON.parse(rb.stdout) as RunReport;
    assert.equal(rr.status, 'done');
    assert.equal(rr.serving, 'old');
    assert.deepEqual(rr.phases.map((p) => p.name), ['init', 'clean', 'install', 'verify']);
    assert.match(rr.phases[3]!.detail, /present and unchanged/);
    process.stderr.write(`rollback phases: ${rr.phases.map((p) => `${p.name}=${p.seconds}s`).join(' ')} total=${rr.totalSeconds}s (wall ${wall.toFixed(1)}s)\n`);
    assert.ok(rr.totalSeconds <= 30, `rollback took ${rr.totalSeconds}s (target <= 30 s)`);

    // OLD serves again with its data untouched: same uids and resourceVersions; NEW is down.
    const back = await clientOf(join(oldSide.stateDir, 'kubeconfig'));
    try {
      assert.deepEqual(await identities(back), before1);
      await waitReady(back);
      const cj = await back.get<{ apiVersion: string }>(ref('batch/v1beta1', 'cronjobs', NS), 'nightly');
      assert.equal(cj.apiVersion, 'batch/v1beta1');
    } finally {
      back.close();
    }
    const gone = await clientOf(join(newSide.stateDir, 'kubeconfig'));
    await assert.rejects(gone.request({ method: 'GET', path: '/version', timeoutMs: 3000 }));
    gone.close();
  });
});
