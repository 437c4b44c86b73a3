import type { Command } from 'commander';

/** `plinth fleet` verbs of this area: deliveries, status NAME, rollout status|confirm|pause|resume|rollback NAME. */
export function registerFleetDeliveryCommands(fleet: Command): void {
  void fleet;
}
