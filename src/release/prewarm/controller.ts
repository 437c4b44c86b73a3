import type { ImagePrewarm, ImagePrewarmStatusT } from '../../api/index.js';
import { PREWARM_MAX_NAMED_NODES } from '../../api/index.js';
import { isAlreadyExists, isNotFound } from '../../kube/api-error.js';
import { rfc3339 } from '../../kube/clock.js';
import { DONE, requeueAfter, runController, type Controller, type Result } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { inNamespace, ref, type KubeObject } from '../../kube/resource.js';
import { selectorMatches } from '../../kube/selector.js';
import { setCondition, writeStatus } from '../../kube/status.js';
import { asKube, type NodeObject, type PodObject } from '../informers.js';
import { COMPONENT, RELEASE_API_VERSION, RES } from '../keys.js';
import { failingNodes, planPrewarm, type PrewarmNode, type PrewarmPlan, type PullPod } from './plan.js';
import { PULL_IMAGE_ANNOTATION, PULL_NODE_ANNOTATION, PULL_POD_LABEL, pullOutcome, pullPod, pullPodName } from './pull-pod.js';

export const IMAGE_PREWARMS = ref(RELEASE_API_VERSION, 'imageprewarms');
/** The condition a finished pre-warm carries: True when every pull succeeded. */
export const COMPLETE = 'Complete';
/** A pull pod created but not yet in the cache counts as running for this long (parallelism holds across cache lag). */
const CREATED_GRACE_MS = 30_000;

export interface ImagePrewarmControllerOptions {
  client: KubeClient;
  nodes: Informer<NodeObject>;
  signal: AbortSignal;
}

const finished = (pw: ImagePrewarm): boolean =>
  (pw.status?.phase === 'Succeeded' || pw.status?.phase === 'Failed') && pw.status.observedGeneration === pw.metadata.generation;

/** The nodes an ImagePrewarm selects, with the image names their kubelets report. */
export function selectedNodes(pw: ImagePrewarm, nodes: readonly NodeObject[]): PrewarmNode[] {
  return nodes
    .filter((n) => !n.metadata?.deletionTimestamp && selectorMatches(pw.spec.nodeSelector, n.metadata?.labels))
    .map((n) => ({ name: n.metadata?.name ?? '', images: (n.status?.images ?? []).flatMap((i) => i.names ?? []) }));
}

/** One-line summary of a plan, for conditions and events. */
export function summarizePlan(plan: PrewarmPlan): string {
  const base = `${plan.pulled}/${plan.desired} pulls done, ${plan.running} running, ${plan.failed.length} failed`;
  const first = plan.failed[0];
  return first ? `${base}; first failure: node ${first.node}, ${first.image}: ${first.reason}` : base;
}

/**
 * The ImagePrewarm controller: per (selected node, image) not yet on the node, a pull pod (pull-pod.ts), at most
 * `parallelism` pulling at once, each failed after `timeoutSeconds`; status counts and the failing nodes; once
 * every pull is done the phase is final, the pull pods are deleted, and `ttlSecondsAfterFinished` deletes the
 * ImagePrewarm. All decisions are planPrewarm's (plan.ts); this file only reads the caches and writes.
 */
export function startImagePrewarmController(opts: ImagePrewarmControllerOptions): Controller {
  const { client, nodes } = opts;
  const prewarms = new Informer<KubeObject>({ client, resource: IMAGE_PREWARMS, name: 'imageprewarms' });
  const pods = new Informer<PodObject>({ client, resource: RES.pods, name: 'prewarm-pull-pods', labelSelector: PULL_POD_LABEL });
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });
  /** Pull pods this process created that the cache may not show yet, by ImagePrewarm uid then pod name. */
  const created = new Map<string, Map<string, PullPod>>();

  const unfinishedKeys = (): string[] =>
    prewarms
      .list()
      .filter((o) => !finished(o as unknown as ImagePrewarm))
      .map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);

  const controller = runController({
    name: 'imageprewarm',
    informers: [
      prewarms,
      { informer: pods, keys: (p: PodObject) => ownerKey(p) },
      {
        informer: nodes,
        keys: () => unfinishedKeys(),
        changed: (a: NodeObject, b: NodeObject) => JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels) || (a.status?.images?.length ?? 0) !== (b.status?.images?.length ?? 0),
        coalesceMs: 250,
      },
    ],
    workers: 2,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc.signal),
  });
  void controller.done.then(() => Promise.all([prewarms.stop(), pods.stop()]));
  return controller;

  function ownerKey(p: PodObject): string | undefined {
    const o = p.metadata?.ownerReferences?.find((r) => r.kind === 'ImagePrewarm' && r.controller);
    return o ? `${p.metadata?.namespace ?? ''}/${o.name}` : undefined;
  }

  function podsOf(pw: ImagePrewarm): PodObject[] {
    return pods.list().filter((p) => p.metadata?.labels?.[PULL_POD_LABEL] === pw.metadata.uid);
  }

  async function reconcile(key: string, signal: AbortSignal): Promise<Result> {
    const pw = prewarms.get(key) as unknown as ImagePrewarm | undefined;
    if (!pw) return DONE;
    const ns = pw.metadata.namespace ?? '';
    const uid = pw.metadata.uid ?? '';
    const now = new Date();
    if (finished(pw)) return afterFinish(pw, now, signal);

    const live = podsOf(pw);
    const mine = created.get(uid) ?? new Map<string, PullPod>();
    created.set(uid, mine);
    const seen = new Set(live.map((p) => p.metadata?.name ?? ''));
    for (const [name, p] of mine) if (seen.has(name) || now.getTime() - p.createdAt.getTime() > CREATED_GRACE_MS) mine.delete(name);
    const pullPods: PullPod[] = [
      ...live.map((p) => ({
        node: p.metadata?.annotations?.[PULL_NODE_ANNOTATION] ?? p.spec?.nodeName ?? '',
        image: p.metadata?.annotations?.[PULL_IMAGE_ANNOTATION] ?? '',
        createdAt: new Date(String(p.metadata?.creationTimestamp ?? now.toISOString())),
        outcome: pullOutcome(p),
      })),
      ...mine.values(),
    ];
    const plan = planPrewarm({
      images: pw.spec.images,
      nodes: selectedNodes(pw, nodes.list()),
      pods: pullPods,
      parallelism: pw.spec.parallelism ?? 10,
      timeoutSeconds: pw.spec.timeoutSeconds ?? 600,
      now,
    });
    const owner = { name: pw.metadata.name ?? '', namespace: ns, uid, apiVersion: RELEASE_API_VERSION, kind: 'ImagePrewarm' };
    for (const s of plan.start) {
      const pod = pullPod({ prewarm: owner, node: s.node, image: s.image, pullSecrets: pw.spec.pullSecrets ?? [] });
      try {
        await client.create(inNamespace(RES.pods, ns), pod, { signal });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      mine.set(pullPodName(owner.name, s.node, s.image), { node: s.node, image: s.image, createdAt: now, outcome: { state: 'running' } });
    }
    // The pulls just started run too.
    const running = plan.running + plan.start.length;
    const final = plan.phase === 'Succeeded' || plan.phase === 'Failed';
    const before = pw.status?.phase;
    const res = await writeStatus({
      client,
      resource: inNamespace(IMAGE_PREWARMS, ns),
      name: owner.name,
      current: asKube(pw),
      desired: (obj) => statusOf((obj as unknown as ImagePrewarm).status ?? {}, pw, plan, running, now),
      signal,
    });
    if (res.changed && final && before !== plan.phase) {
      if (plan.phase === 'Failed') events.event(asKube(pw), 'Warning', 'PrewarmFailed', summarizePlan(plan));
      else events.event(asKube(pw), 'Normal', 'PrewarmSucceeded', summarizePlan(plan));
    }
    if (final) {
      created.delete(uid);
      return requeueAfter(100);
    }
    return requeueAfter(Math.min(plan.nextTimeoutMs ?? 5000, 5000) + 50);
  }

  function statusOf(current: ImagePrewarmStatusT, pw: ImagePrewarm, plan: PrewarmPlan, running: number, now: Date): ImagePrewarmStatusT {
    const final = plan.phase === 'Succeeded' || plan.phase === 'Failed';
    const cond = final
      ? plan.phase === 'Succeeded'
        ? { type: COMPLETE, status: 'True' as const, reason: 'Pulled', message: summarizePlan(plan) }
        : { type: COMPLETE, status: 'False' as const, reason: 'PullsFailed', message: summarizePlan(plan) }
      : { type: COMPLETE, status: 'False' as const, reason: 'Pulling', message: summarizePlan({ ...plan, running }) };
    const status: ImagePrewarmStatusT = {
      ...current,
      observedGeneration: pw.metadata.generation,
      phase: plan.phase,
      desired: plan.desired,
      pulled: plan.pulled,
      failed: plan.failed.length,
      running: final ? 0 : running,
      nodes: failingNodes(plan.failed, PREWARM_MAX_NAMED_NODES),
      startTime: current.startTime ?? rfc3339(now),
      conditions: setCondition(current.conditions, { ...cond, observedGeneration: pw.metadata.generation }, now) as ImagePrewarmStatusT['conditions'],
    };
    if (final) status.completionTime = current.completionTime ?? rfc3339(now);
    else delete status.completionTime;
    return status;
  }

  /** A finished pre-warm: its pull pods go (a failed pull's pod would keep retrying), then the TTL. */
  async function afterFinish(pw: ImagePrewarm, now: Date, signal: AbortSignal): Promise<Result> {
    const ns = pw.metadata.namespace ?? '';
    for (const p of podsOf(pw)) {
      if (p.metadata?.deletionTimestamp) continue;
      try {
        await client.delete(inNamespace(RES.pods, ns), p.metadata?.name ?? '', { signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const ttl = pw.spec.ttlSecondsAfterFinished;
    if (ttl === undefined) return DONE;
    const done = Date.parse(pw.status?.completionTime ?? '') || now.getTime();
    const left = done + ttl * 1000 - now.getTime();
    if (left > 0) return requeueAfter(left);
    try {
      await client.delete(inNamespace(IMAGE_PREWARMS, ns), pw.metadata.name ?? '', { signal, propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return DONE;
  }
}
