/**
 * What an export does with Plinth's own state (ADR 0016). Plinth keeps its state in the cluster, and
 * some of it belongs to the source control plane rather than to the cluster's definition:
 * - the state of a `plinth upgrade nodes` run (its ConfigMaps, labelled with the run) describes work on
 *   the source's nodes in progress: it is left out, and so is the run's lock (a Lease, like every Lease);
 * - ReleaseOrders are the release history (who released what, when, with which checks): they are
 *   exported with their status and kept in the export, but not applied, so that the target's controllers
 *   never take an old order for a new one and release it again. The target's CellDeployment controller
 *   starts from each CellDeployment as imported.
 */
import { RELEASE_GROUP } from '../../api/release/group.js';
import type { KubeObject } from '../../kube/resource.js';
import { RUN_LABEL } from '../nodes/store.js';

export const NODES_RUN_REASON = 'state of a `plinth upgrade nodes` run on the source cluster (not resumable elsewhere)';
export const RELEASE_HISTORY_REASON = 'release history: kept in the export with its status, not applied (the target would release it again)';

/** Why an object of Plinth's own transient state is left out of an export, or undefined. */
export function plinthStateSkipReason(group: string, kind: string, o: KubeObject): string | undefined {
  if (group === '' && kind === 'ConfigMap' && o.metadata?.labels?.[RUN_LABEL] !== undefined) return NODES_RUN_REASON;
  return undefined;
}

/** Whether objects of this kind are release history: exported with their status, never applied by the import. */
export function isReleaseHistory(apiVersion: string, kind: string): boolean {
  return kind === 'ReleaseOrder' && apiVersion.startsWith(`${RELEASE_GROUP}/`);
}
