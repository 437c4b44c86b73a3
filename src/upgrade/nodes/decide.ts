/**
 * A person's decision on a node run (pause, resume, abort): the run's control key is set and the decision,
 * with who made it, is appended to the run's `decisions` key, in one write of the main ConfigMap. The CLI
 * (`plinth upgrade nodes --pause|--abort`) and the console (as the signed-in user) both come here.
 *
 * The decisions live in a key of their own, beside `control`: the runner rewrites `run.json` from its
 * memory, so anything another writer put there would be lost.
 */
import { PlinthError } from '../../errors/index.js';
import { isConflict, isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import type { Control, Decision, DecisionAction, RunPhase } from './state.js';
import { configMapName, decisionsOf, DECISIONS_KEY, decodeRun, MAX_DECISIONS } from './store.js';

export type { Decision, DecisionAction } from './state.js';
export { decisionsOf } from './store.js';

/** Pure: the control key a decision sets, or why it does not apply to a run in `phase` with `control` pending. */
export function controlFor(action: DecisionAction, phase: RunPhase, control: Control): { control: Control } | { refused: string } {
  switch (action) {
    case 'pause':
      return phase === 'Running' ? { control: 'pause' } : { refused: phase };
    case 'abort':
      return phase === 'Running' || phase === 'Paused' ? { control: 'abort' } : { refused: phase };
    case 'resume':
      // Only a pause not yet carried out is withdrawn here; a Paused run needs a process to act on it again.
      return phase === 'Running' && control === 'pause' ? { control: '' } : { refused: phase === 'Running' ? `${phase} (no pause pending)` : phase };
  }
}

interface ConfigMapObj {
  metadata?: { resourceVersion?: string };
  data?: Record<string, string>;
}

export interface DecideResult {
  phase: RunPhase;
  control: Control;
  decision: Decision;
}

/**
 * Records `by`'s decision and sets the control key, with the ConfigMap's resourceVersion (a concurrent writer
 * makes it read again). Throws UPGRADE_NODES_NO_RUN, or UPGRADE_NODES_NOT_RUNNING when the action does not
 * apply to the run's phase; a 403 of the API server is thrown as it is.
 */
export async function decide(client: KubeClient, namespace: string, run: string, action: DecisionAction, by: string, now: () => Date = () => new Date()): Promise<DecideResult> {
  const cms = inNamespace(CORE.configMaps, namespace);
  for (let attempt = 0; ; attempt++) {
    let cm: ConfigMapObj;
    try {
      cm = await client.get<ConfigMapObj>(cms, configMapName(run));
    } catch (err) {
      if (isNotFound(err)) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run, namespace });
      throw err;
    }
    const r = decodeRun(cm);
    if (!r) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run, namespace });
    const c = controlFor(action, r.state.phase, r.control);
    if ('refused' in c) throw new PlinthError('UPGRADE_NODES_NOT_RUNNING', { run, phase: c.refused, action });
    const decision: Decision = { at: now().toISOString(), by, action, phase: r.state.phase };
    const decisions = [...decisionsOf(cm.data), decision].slice(-MAX_DECISIONS);
    try {
      await client.patch(cms, configMapName(run), { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { control: c.control, [DECISIONS_KEY]: JSON.stringify(decisions) } }, 'merge');
      return { phase: r.state.phase, control: c.control, decision };
    } catch (err) {
      if (!isConflict(err) || attempt >= 4) throw err;
    }
  }
}

/**
 * `--resume` of the CLI, which acts on the run itself: clears the control key and records `by`'s resume (the
 * run's phase checks were made by the caller).
 */
export async function recordResume(client: KubeClient, namespace: string, run: string, phase: RunPhase, by: string): Promise<void> {
  const cms = inNamespace(CORE.configMaps, namespace);
  for (let attempt = 0; ; attempt++) {
    const cm = await client.get<ConfigMapObj>(cms, configMapName(run));
    const decisions = [...decisionsOf(cm.data), { at: new Date().toISOString(), by, action: 'resume' as const, phase }].slice(-MAX_DECISIONS);
    try {
      await client.patch(cms, configMapName(run), { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { control: '', [DECISIONS_KEY]: JSON.stringify(decisions) } }, 'merge');
      return;
    } catch (err) {
      if (!isConflict(err) || attempt >= 4) throw err;
    }
  }
}
