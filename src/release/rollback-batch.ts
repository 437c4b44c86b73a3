import type { ReleaseOrderStatusT } from '../api/index.js';

type Batch = NonNullable<ReleaseOrderStatusT['batches']>[number];

/**
 * The batch a rollback returns to fromRevision now: the latest started batch that is not rolled back yet
 * (rollbacks undo batches newest first). Undefined when every started batch is back (the sweep follows).
 * Both the ReleaseOrder controller (which records the batch RolledBack) and the CellDeployment controller
 * (which changes its pods) read it from here.
 */
export function batchBeingRolledBack(batches: readonly Batch[]): Batch | undefined {
  return batches
    .filter((b) => b.startedAt !== undefined && b.phase !== 'RolledBack' && b.phase !== 'Pending')
    .sort((a, b) => b.index - a.index)[0];
}
