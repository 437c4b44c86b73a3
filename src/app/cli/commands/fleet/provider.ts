import type { Command } from 'commander';

/** `plinth fleet` verbs of this area: create, recycle (cluster providers). */
export function registerFleetProviderCommands(fleet: Command): void {
  void fleet;
}
