import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/http.js';
import { CORE } from '../../kube/resource.js';
import { CORDONED_BY } from './drain.js';
import { errorMessage } from '../../errors/index.js';

/**
 * Schedulable nodes that still carry a run's cordoned-by mark, with the run named in it. A run's cordon and its
 * mark are one patch, and so are its uncordon and the mark's removal; a schedulable node with the mark was
 * uncordoned by someone else (`kubectl uncordon` keeps annotations), so the mark is stale. Left there, it would
 * make a later cordon by an operator look like the run's own.
 */
export function staleMarks(nodes: readonly V1Node[]): Array<{ node: string; run: string }> {
  return nodes
    .filter((n) => n.spec?.unschedulable !== true && n.metadata?.annotations?.[CORDONED_BY] !== undefined)
    .map((n) => ({ node: n.metadata?.name ?? '', run: n.metadata?.annotations?.[CORDONED_BY] ?? '' }));
}

/**
 * Removes the stale marks of `nodes` (see staleMarks). Only the holder of the run lease calls it, before its
 * first cordon or after its last uncordon: no run can be between a cordon and its mark then. Returns each stale
 * mark with why it could not be removed, if it could not (a stale mark does no harm to the run at hand: the next
 * run tries again).
 */
export async function clearStaleMarks(
  client: KubeClient,
  nodes: readonly V1Node[],
  signal?: AbortSignal,
): Promise<Array<{ node: string; run: string; error?: string }>> {
  const out: Array<{ node: string; run: string; error?: string }> = [];
  for (const s of staleMarks(nodes)) {
    try {
      await client.patch(CORE.nodes, s.node, { metadata: { annotations: { [CORDONED_BY]: null } } }, 'merge', signal ? { signal } : {});
      out.push(s);
    } catch (err) {
      out.push({ ...s, error: errorMessage(err) });
    }
  }
  return out;
}
