import type { ManagerContext } from '../kube/module.js';
import { startCellDeploymentController } from './celldeployment/controller.js';
import { acquireReleaseInformers } from './informers.js';
import type { ReleaseChecks } from './releaseorder/checks.js';
import { startReleaseOrderController } from './releaseorder/controller.js';

/**
 * The manager's entry points of the two release controllers. Both share one set of informers per API client;
 * each resolves once its controller stopped (the manager's signal aborted).
 */
export async function runCellDeploymentController(ctx: ManagerContext): Promise<void> {
  const { informers, release } = acquireReleaseInformers(ctx.client);
  try {
    const c = startCellDeploymentController({ client: ctx.client, informers, signal: ctx.signal });
    await c.done;
  } finally {
    await release();
  }
}

export async function runReleaseOrderController(ctx: ManagerContext, checks?: ReleaseChecks): Promise<void> {
  const { informers, release } = acquireReleaseInformers(ctx.client);
  try {
    const c = startReleaseOrderController({ client: ctx.client, informers, signal: ctx.signal, checks });
    await c.done;
  } finally {
    await release();
  }
}

export async function runReleasePolicyController(ctx: ManagerContext): Promise<void> {
  const c = (await import('./policy/controller.js')).startReleasePolicyController({ client: ctx.client, signal: ctx.signal });
  await c.done;
}

export async function runReleasePlanController(ctx: ManagerContext): Promise<void> {
  const c = (await import('./releaseplan/controller.js')).startReleasePlanController({ client: ctx.client, signal: ctx.signal });
  await c.done;
}

/** The sidecar injector: the mutating webhook for SidecarSets, its configuration and the sets' status. */
export async function runSidecarInjector(ctx: ManagerContext): Promise<void> {
  await (await import('./sidecar/injector.js')).runSidecarInjector(ctx.client, ctx.signal, ctx.log);
}

/** The ImagePrewarm controller: pull pods per (node, image), parallelism, timeout, status (src/release/prewarm). */
export async function runImagePrewarmController(ctx: ManagerContext): Promise<void> {
  const { informers, release } = acquireReleaseInformers(ctx.client);
  try {
    const c = (await import('./prewarm/controller.js')).startImagePrewarmController({ client: ctx.client, nodes: informers.nodes, signal: ctx.signal });
    await c.done;
  } finally {
    await release();
  }
}
