import type { KubeClient } from '../kube/http.js';
import type { Logger } from '../kube/log.js';

/** What the manager hands a controller when this instance becomes leader. */
export interface ManagerContext {
  client: KubeClient;
  log: Logger;
  /** Aborts when leadership is lost or the manager shuts down; the controller must stop then. */
  signal: AbortSignal;
}

/** A controller the manager runs while it leads. `start` resolves once the controller has stopped. */
export interface ControllerModule {
  name: string;
  start(ctx: ManagerContext): Promise<void>;
}

/**
 * The controllers of every capability, in start order. Each capability adds its entry here
 * (lazily importing its code) when it lands; the runtime, leader election, health and metrics
 * around them are the manager's job.
 */
export function controllers(): ControllerModule[] {
  return [
    { name: 'celldeployment', start: async (ctx) => (await import('../release/modules.js')).runCellDeploymentController(ctx) },
    { name: 'releaseorder', start: async (ctx) => (await import('../release/modules.js')).runReleaseOrderController(ctx) },
    { name: 'releasepolicy', start: async (ctx) => (await import('../release/modules.js')).runReleasePolicyController(ctx) },
  ];
}
