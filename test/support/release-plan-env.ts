// Helpers of the ReleasePlan integration tests (test/release-plan*.test.ts): the plan controller in this
// process (stoppable and restartable), plans, Deployments, the real CLI, and a "kubelet" that keeps pods of a
// bad image not Ready.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { ReleasePlan, ReleasePlanSpecT } from '../../src/api/index.js';
import type { KubeClient } from '../../src/kube/http.js';
import { CORE, inNamespace } from '../../src/kube/resource.js';
import { RELEASE_API_VERSION } from '../../src/release/keys.js';
import { RELEASE_PLANS } from '../../src/release/releaseplan/act.js';
import { startReleasePlanController } from '../../src/release/releaseplan/controller.js';
import { eventually, sleep } from './release-env.js';

/** The plan controller alone, in this process; `stop` aborts it as a crash would (no draining). */
export function runPlanController(client: KubeClient): { stop: () => Promise<void> } {
  const ac = new AbortController();
  const c = startReleasePlanController({ client, signal: ac.signal });
  return {
    stop: async () => {
      ac.abort();
      await c.done;
    },
  };
}

export function planRef(ns: string): ReturnType<typeof inNamespace> {
  return inNamespace(RELEASE_PLANS, ns);
}

export function releasePlan(ns: string, name: string, spec: Partial<ReleasePlanSpecT> & Pick<ReleasePlanSpecT, 'apps'>): ReleasePlan {
  return { apiVersion: RELEASE_API_VERSION, kind: 'ReleasePlan', metadata: { name, namespace: ns }, spec: { needConfirm: false, beta: false, confirmedStages: 0, paused: false, rollback: false, ...spec } };
}

export function getPlan(client: KubeClient, ns: string, name: string): Promise<ReleasePlan> {
  return client.get<ReleasePlan>(planRef(ns), name);
}

/** Waits until the plan satisfies `ok`; on timeout says where it stood. */
export async function waitPlan(client: KubeClient, ns: string, name: string, ok: (p: ReleasePlan) => boolean, what: string, timeoutMs = 120_000): Promise<ReleasePlan> {
  let seen: ReleasePlan | undefined;
  try {
    return await eventually(`ReleasePlan ${ns}/${name}: ${what}`, async () => {
      seen = await getPlan(client, ns, name);
      return ok(seen) ? seen : undefined;
    }, timeoutMs);
  } catch (err) {
    const s = seen?.status;
    const apps = (s?.apps ?? []).map((a) => `${a.name}:${a.phase}`).join(' ');
    const last = (s?.history ?? []).slice(-5).map((h) => `${h.action}${h.message ? ` (${h.message})` : ''}`).join('; ');
    (err as Error).message += `\n  last seen: phase ${s?.phase ?? '-'}, stage ${s?.stage ?? '-'}, apps [${apps}]; history: ${last}`;
    throw err;
  }
}

export function condition(p: ReleasePlan, type: string): { status: string; reason: string; message: string } | undefined {
  return p.status?.conditions?.find((c) => c.type === type);
}

/** A Deployment of app `name` with one container `web`. */
export function deployment(ns: string, name: string, image: string, replicas = 2): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      progressDeadlineSeconds: 30,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }], terminationGracePeriodSeconds: 0 } },
    },
  };
}

export async function waitDeploymentComplete(client: KubeClient, ns: string, name: string, image: string): Promise<void> {
  await eventually(`Deployment ${ns}/${name} complete on ${image}`, async () => {
    const d = await client.get<V1Deployment>(inNamespace(CORE.deployments, ns), name);
    const want = d.spec?.replicas ?? 1;
    const st = d.status;
    const done = d.spec?.template.spec?.containers[0]?.image === image && (st?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && st?.updatedReplicas === want && st.availableReplicas === want && st.replicas === want;
    return done ? true : undefined;
  }, 120_000);
}

/**
 * What a kubelet's readiness probe would say: pods whose container `web` has image `bad` keep the readiness
 * gate `gate` False (never Ready); every other pod of the namespace gets it True. Runs until stopped.
 */
export function readinessProbe(client: KubeClient, ns: string, gate: string, bad: string): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const list = await client.list<V1Pod>(inNamespace(CORE.pods, ns));
        for (const p of list.items) {
          if (!p.spec?.readinessGates?.some((g) => g.conditionType === gate) || p.metadata?.deletionTimestamp) continue;
          const want = p.spec.containers.some((c) => c.image === bad) ? 'False' : 'True';
          if (p.status?.conditions?.find((c) => c.type === gate)?.status === want) continue;
          await client.patch(inNamespace(CORE.pods, ns), p.metadata!.name!, { status: { conditions: [{ type: gate, status: want }] } }, 'strategic', { subresource: 'status' }).catch(() => undefined);
        }
      } catch {
        // the next round reads again
      }
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI as a subprocess (never spawnSync: the controllers run in this process's event loop). */
export function cli(kubeconfig: string, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args, '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export async function cliOk(kubeconfig: string, ...args: string[]): Promise<string> {
  const r = await cli(kubeconfig, ...args);
  assert.equal(r.code, 0, `plinth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
