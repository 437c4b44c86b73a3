import type { CellDeployment, ImagePrewarm, ReleaseOrder } from '../../api/index.js';
import { isAlreadyExists, isNotFound } from '../../kube/api-error.js';
import { rfc3339 } from '../../kube/clock.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { asKube } from '../informers.js';
import { COMPONENT, RELEASE_API_VERSION } from '../keys.js';
import type { CheckContext, CheckResultT, CheckVerdict, ReleaseChecks } from '../releaseorder/checks.js';
import { IMAGE_PREWARMS } from './controller.js';

/** The name of a check result (status.checks) and the prefix of the ImagePrewarms a release creates. */
export const PREWARM_CHECK = 'image-prewarm';
/** The node label a batch's ImagePrewarm selects its nodes by. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const RETRY_MS = 1000;

/** The ImagePrewarm of batch `index` of an order. */
export function batchPrewarmName(order: string, index: number): string {
  return `${order}-prewarm-${index}`;
}

/** Every image of the CellDeployment's template (containers and init containers), sorted, once each. */
export function templateImages(cd: CellDeployment): string[] {
  const spec = cd.spec.template.spec as { containers?: { image?: string }[]; initContainers?: { image?: string }[] };
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.image).filter((i): i is string => !!i);
  return [...new Set(all)].sort();
}

/** The nodes the pods of batch `index` run on now (by name, sorted); pods not scheduled yet have none. */
export function batchNodes(ctx: Pick<CheckContext, 'order' | 'pods'>, index: number): string[] {
  const names = new Set(ctx.order.status?.batches?.find((b) => b.index === index)?.pods ?? []);
  const nodes = ctx.pods.filter((p) => names.has(p.metadata?.name ?? '')).map((p) => p.spec?.nodeName).filter((n): n is string => !!n);
  return [...new Set(nodes)].sort();
}

/** The ImagePrewarm a batch gets: the new images on the batch's nodes, owned by the order (deleted with it). */
export function batchPrewarm(order: ReleaseOrder, cd: CellDeployment, index: number, nodes: readonly string[]): ImagePrewarm {
  const cfg = cd.spec.strategy?.prewarm;
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'ImagePrewarm',
    metadata: {
      name: batchPrewarmName(order.metadata.name ?? '', index),
      namespace: order.metadata.namespace,
      labels: { 'apps.plinth.dev/celldeployment': cd.metadata.name ?? '', 'apps.plinth.dev/batch': String(index) },
      ownerReferences: [{ apiVersion: RELEASE_API_VERSION, kind: 'ReleaseOrder', name: order.metadata.name ?? '', uid: order.metadata.uid ?? '', controller: true }],
    },
    spec: {
      images: templateImages(cd),
      nodeSelector: { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [...nodes] }] },
      parallelism: cfg?.parallelism ?? 10,
      timeoutSeconds: cfg?.timeoutSeconds ?? 120,
    },
  };
}

/** How long a batch still waits for its pre-warm (ms; <= 0: no longer). */
export function waitLeftMs(pw: ImagePrewarm, timeoutSeconds: number, now: Date): number {
  const created = Date.parse(String(pw.metadata.creationTimestamp ?? '')) || now.getTime();
  return created + timeoutSeconds * 1000 - now.getTime();
}

/**
 * The release's side of image pre-warm, on the ReleaseOrder controller's checks seam (around `inner`, the release
 * policies). With `strategy.prewarm.enabled`, before batch i: an ImagePrewarm of the new images over the nodes of
 * batch i's pods and one over batch i+1's (which pulls while batch i drains and updates); batch i waits for its
 * own (the order shows Blocked with the reason) until it is done or `timeoutSeconds` passed since it was created.
 * A failed or late pre-warm never stops the release: a Warning Event on the order and a Failed `image-prewarm`
 * check result, and the batch starts (its ImagePrewarm carries the Complete=False condition with the reasons).
 */
export function withPrewarm(client: KubeClient, inner: ReleaseChecks): ReleaseChecks {
  const events = new EventRecorder({ client, component: COMPONENT });
  const warned = new Set<string>();

  async function ensure(ctx: CheckContext, index: number): Promise<ImagePrewarm | undefined> {
    if (!ctx.order.status?.batches?.some((b) => b.index === index)) return undefined;
    const nodes = batchNodes(ctx, index);
    if (nodes.length === 0) return undefined;
    const ns = ctx.order.metadata.namespace ?? '';
    const res = inNamespace(IMAGE_PREWARMS, ns);
    const name = batchPrewarmName(ctx.order.metadata.name ?? '', index);
    try {
      return await client.get<ImagePrewarm>(res, name, { signal: ctx.signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      return await client.create<ImagePrewarm>(res, batchPrewarm(ctx.order, ctx.cd, index, nodes), { signal: ctx.signal });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return client.get<ImagePrewarm>(res, name, { signal: ctx.signal });
    }
  }

  const result = (ctx: CheckContext, r: CheckResultT['result'], message: string): CheckResultT => ({
    name: PREWARM_CHECK,
    kind: 'pre',
    batch: ctx.batch,
    result: r,
    at: rfc3339(ctx.now),
    message,
  });

  const warnOnce = (ctx: CheckContext, pw: ImagePrewarm, reason: string, message: string): void => {
    const key = `${pw.metadata.uid ?? ''}/${reason}`;
    if (warned.has(key)) return;
    warned.add(key);
    events.event(asKube(ctx.order), 'Warning', reason, message);
  };

  async function prewarmVerdict(ctx: CheckContext): Promise<{ wait?: CheckVerdict; check?: CheckResultT }> {
    const cfg = ctx.cd.spec.strategy?.prewarm;
    if ((ctx.order.status?.batches ?? []).length === 0) {
      // The batches are planned in this very reconcile and not stored yet (hooks see the order as it was read):
      // wait for the write, then pre-warm the nodes of the stored batches.
      const msg = `pre-warming the new images for batch ${ctx.batch + 1}: waiting for the batches to be stored`;
      return { wait: { result: 'Blocked', message: msg, retryAfterMs: 200 } };
    }
    const current = await ensure(ctx, ctx.batch);
    await ensure(ctx, ctx.batch + 1);
    if (!current) return {};
    const name = current.metadata.name ?? '';
    const st = current.status;
    const counts = `${st?.pulled ?? 0}/${st?.desired ?? '?'} pulls done`;
    if (st?.phase === 'Succeeded') return { check: result(ctx, 'Passed', `ImagePrewarm ${name}: ${counts}`) };
    if (st?.phase === 'Failed') {
      const why = st.conditions?.find((c) => c.type === 'Complete')?.message ?? counts;
      const msg = `ImagePrewarm ${name} failed (${why}); batch ${ctx.batch + 1} starts without it`;
      warnOnce(ctx, current, 'PrewarmFailed', msg);
      return { check: result(ctx, 'Failed', msg) };
    }
    const left = waitLeftMs(current, cfg?.timeoutSeconds ?? 120, ctx.now);
    if (left <= 0) {
      const msg = `ImagePrewarm ${name} not done within ${cfg?.timeoutSeconds ?? 120}s (${counts}); batch ${ctx.batch + 1} starts without it`;
      warnOnce(ctx, current, 'PrewarmTimedOut', msg);
      return { check: result(ctx, 'Failed', msg) };
    }
    const msg = `pre-warming the new images for batch ${ctx.batch + 1} (ImagePrewarm ${name}); waiting at most ${cfg?.timeoutSeconds ?? 120}s`;
    return { wait: { result: 'Blocked', message: msg, retryAfterMs: Math.min(RETRY_MS, left), checks: [result(ctx, 'Running', msg)] } };
  }

  return {
    async beforeBatch(ctx): Promise<CheckVerdict> {
      const cfg = ctx.cd.spec.strategy?.prewarm;
      if (!cfg || cfg.enabled === false || ctx.cd.spec.strategy?.type === 'BlueGreen') return inner.beforeBatch(ctx);
      const pre = await prewarmVerdict(ctx);
      if (pre.wait) return pre.wait;
      const v = await inner.beforeBatch(ctx);
      if (!pre.check) return v;
      return { ...v, checks: [...(v.checks ?? []), pre.check] };
    },
    duringBatch: (ctx) => inner.duringBatch(ctx),
    afterBatch: (ctx) => inner.afterBatch(ctx),
  };
}
