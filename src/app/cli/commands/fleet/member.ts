import type { Command } from 'commander';

/** `plinth fleet` verbs of this area: clusters, token create, join, accept, leave. */
export function registerFleetMemberCommands(fleet: Command): void {
  void fleet;
}
