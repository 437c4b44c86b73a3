import type { KubeClient } from './http.js';
import type { Logger } from './log.js';

/** What the manager hands a controller when this instance becomes leader. */
export interface ManagerContext {
  client: KubeClient;
  log: Logger;
  /** Aborts when leadership is lost or the manager shuts down; the controller must stop then. */
  signal: AbortSignal;
}

/**
 * A controller the manager runs while it leads. `start` resolves once the controller has stopped.
 * Each domain exports its modules; the application layer lists them (src/app/manager/controllers.ts),
 * so the manager knows no controller by name.
 */
export interface ControllerModule {
  name: string;
  start(ctx: ManagerContext): Promise<void>;
}
