import type { ControllerModule } from '../../kube/module.js';
import type { FleetServerSettings } from '../../fleet/hub/module.js';

/** What the manager's flags tell the modules. */
export interface ModuleSettings {
  fleet?: FleetServerSettings;
}

/**
 * The controllers of every capability, in start order: the one list the manager runs (as
 * OpenKruise's pkg/controller/controllers.go lists its controllers). Each entry imports its code
 * only when it starts, so `plinth` commands that never run a controller do not load it.
 */
export function controllers(settings: ModuleSettings = {}): ControllerModule[] {
  return [
    { name: 'celldeployment', start: async (ctx) => (await import('../../release/modules.js')).runCellDeploymentController(ctx) },
    { name: 'releaseorder', start: async (ctx) => (await import('../../release/modules.js')).runReleaseOrderController(ctx) },
    { name: 'releaseplan', start: async (ctx) => (await import('../../release/modules.js')).runReleasePlanController(ctx) },
    { name: 'releasepolicy', start: async (ctx) => (await import('../../release/modules.js')).runReleasePolicyController(ctx) },
    {
      name: 'gitsource',
      start: async (ctx) => {
        const { runGitSourceController } = await import('../../fleet/source/controller.js');
        const { defaultDataDir } = await import('../../fleet/hub/module.js');
        await runGitSourceController({ ...ctx, dataDir: settings.fleet?.dataDir ?? defaultDataDir() });
      },
    },
    { name: 'fleet-server', start: async (ctx) => (await import('../../fleet/hub/module.js')).runFleetServer(ctx, settings.fleet) },
    { name: 'membercluster', start: async (ctx) => (await import('../../fleet/member/controller.js')).runMemberClusterController(ctx, { autoAccept: process.env.PLINTH_FLEET_AUTO_ACCEPT }) },
    { name: 'fleetdelivery', start: async (ctx) => (await import('../../fleet/delivery/modules.js')).runFleetDeliveryController(ctx) },
  ];
}
