import type { ControllerModule } from '../../kube/module.js';

/**
 * The controllers of every capability, in start order: the one list the manager runs (as
 * OpenKruise's pkg/controller/controllers.go lists its controllers). Each entry imports its code
 * only when it starts, so `plinth` commands that never run a controller do not load it.
 */
export function controllers(): ControllerModule[] {
  return [
    { name: 'celldeployment', start: async (ctx) => (await import('../../release/modules.js')).runCellDeploymentController(ctx) },
    { name: 'releaseorder', start: async (ctx) => (await import('../../release/modules.js')).runReleaseOrderController(ctx) },
    { name: 'releasepolicy', start: async (ctx) => (await import('../../release/modules.js')).runReleasePolicyController(ctx) },
    { name: 'sidecar-injector', start: async (ctx) => (await import('../../release/modules.js')).runSidecarInjector(ctx) },
  ];
}
