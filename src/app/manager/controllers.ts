import type { ControllerModule } from '../../kube/module.js';
import type { FleetServerSettings } from '../../fleet/hub/module.js';
import type { ArtifactStore } from '../../fleet/source/store.js';

/** What the manager's flags tell the modules. */
export interface ModuleSettings {
  fleet?: FleetServerSettings;
}

async function fleetDataDir(settings: ModuleSettings): Promise<string> {
  return settings.fleet?.dataDir ?? (await import('../../fleet/hub/module.js')).defaultDataDir();
}

/** One artifact store per manager process: the GitSource controller writes it, the fleet server reads it. */
let sharedStore: Promise<ArtifactStore> | undefined;
function artifactStore(settings: ModuleSettings): Promise<ArtifactStore> {
  sharedStore ??= (async () => new (await import('../../fleet/source/store.js')).ArtifactStore(await fleetDataDir(settings)))();
  return sharedStore;
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
    { name: 'imageprewarm', start: async (ctx) => (await import('../../release/modules.js')).runImagePrewarmController(ctx) },
    { name: 'releasepolicy', start: async (ctx) => (await import('../../release/modules.js')).runReleasePolicyController(ctx) },
    {
      name: 'gitsource',
      start: async (ctx) => {
        const { runGitSourceController } = await import('../../fleet/source/controller.js');
        await runGitSourceController({ ...ctx, dataDir: await fleetDataDir(settings), store: await artifactStore(settings) });
      },
    },
    {
      name: 'fleet-server',
      start: async (ctx) => {
        const { runFleetServer } = await import('../../fleet/hub/module.js');
        const store = await artifactStore(settings);
        // The GitSource controller's store: an artifact missing on disk is rendered again from Git.
        await runFleetServer(ctx, { ...settings.fleet, dataDir: await fleetDataDir(settings), reader: { read: (digest) => store.ensure(digest) } });
      },
    },
    { name: 'membercluster', start: async (ctx) => (await import('../../fleet/member/controller.js')).runMemberClusterController(ctx, { autoAccept: process.env.PLINTH_FLEET_AUTO_ACCEPT }) },
    { name: 'fleetdelivery', start: async (ctx) => (await import('../../fleet/delivery/modules.js')).runFleetDeliveryController(ctx) },
    { name: 'sidecar-injector', start: async (ctx) => (await import('../../release/modules.js')).runSidecarInjector(ctx) },
  ];
}
