/** What `plinth status` needs to know of a local cluster to judge its health. */
export interface HealthInput {
  phase: string;
  manager?: { alive: boolean };
  /** A member's agent, when one was started. */
  agent?: { alive: boolean };
  /** A hub's local Git server, when it has one. */
  git?: { alive: boolean };
}

/** `plinth status` exits with this code when a cluster component or a manager is not healthy. */
export const UNHEALTHY_EXIT = 3;

/**
 * Why a local cluster is not healthy, or undefined when it is: a component of a running cluster
 * died (Degraded), its start failed, or its manager is recorded but dead. A cluster stopped by
 * `plinth down` (Stopped, no manager) is healthy: nothing is expected to run.
 */
export function unhealthy(c: HealthInput): string | undefined {
  if (c.phase === 'Degraded') return 'a component died';
  if (c.phase === 'Failed') return 'it failed to start';
  if (c.manager && !c.manager.alive) return 'its manager is dead';
  // Down on purpose (`plinth down`) is not unhealthy: only a running cluster's agent or Git server.
  if (c.phase === 'Running' && c.agent && !c.agent.alive) return 'its agent is dead';
  if (c.phase === 'Running' && c.git && !c.git.alive) return 'its Git server is dead';
  return undefined;
}
