import type { Command } from 'commander';

/** `plinth fleet` verbs of this area: sources. */
export function registerFleetSourceCommands(fleet: Command): void {
  void fleet;
}
