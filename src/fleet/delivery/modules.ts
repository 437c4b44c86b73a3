import type { ManagerContext } from '../../kube/module.js';
import { startFleetDeliveryController } from './controller.js';
import { createDeliveryInformers, stopDeliveryInformers } from './informers.js';

/**
 * The manager's entry point of the FleetDelivery controller (register it in src/app/manager/controllers.ts).
 * Resolves once the controller stopped (the manager's signal aborted).
 */
export async function runFleetDeliveryController(ctx: ManagerContext): Promise<void> {
  const informers = createDeliveryInformers(ctx.client);
  try {
    const c = startFleetDeliveryController({ client: ctx.client, informers, signal: ctx.signal });
    await c.done;
  } finally {
    await stopDeliveryInformers(informers);
  }
}
