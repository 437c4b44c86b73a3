import { startLocalCluster, type StartLocalOptions } from './start-local.js';
import { progress } from '../../term/progress.js';

export type LocalStartOptions = Omit<StartLocalOptions, 'onProgress'>;

export interface LocalStartResult {
  name: string;
  version: string;
  server: string;
  kubeconfig: string;
  /** created: first start; restarted: from kept data; running: it was already up. */
  action: 'created' | 'restarted' | 'running';
}

const DONE: Record<LocalStartResult['action'], string> = { created: 'created', restarted: 'restarted', running: 'is already running' };

/**
 * `plinth local start`: start a kept local cluster again (same data, ports and certificates), or
 * create it (detached, data kept on stop) when it does not exist yet. Idempotent.
 */
export async function localStart(opts: LocalStartOptions): Promise<LocalStartResult> {
  const p = progress();
  try {
    const c = await startLocalCluster({ ...opts, onProgress: (m) => p.update(`cluster "${opts.name}": ${m}`) });
    p.done(`local cluster "${opts.name}" (${c.version}) ${DONE[c.action]} at ${c.server}`);
    return { name: c.name, version: c.version, server: c.server, kubeconfig: c.kubeconfig, action: c.action };
  } catch (err) {
    p.fail(`starting local cluster "${opts.name}" failed`);
    throw err;
  }
}
