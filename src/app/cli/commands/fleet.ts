import type { Command } from 'commander';
import { registerFleetDeliveryCommands } from './fleet/delivery.js';
import { registerFleetMemberCommands } from './fleet/member.js';
import { registerFleetProviderCommands } from './fleet/provider.js';
import { registerFleetSourceCommands } from './fleet/source.js';

/**
 * `plinth fleet ...`: clusters, sources, deliveries and their rollouts, join/accept/leave, create/recycle.
 * Each area registers its own verbs (one file each under fleet/).
 */
export function registerFleetCommands(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('deliver from Git to member clusters: clusters, sources, deliveries, rollout, join, accept, leave, create, recycle');
  registerFleetMemberCommands(fleet);
  registerFleetSourceCommands(fleet);
  registerFleetDeliveryCommands(fleet);
  registerFleetProviderCommands(fleet);
}
