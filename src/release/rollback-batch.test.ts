import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBeingRolledBack } from './rollback-batch.js';

test('the batch being rolled back is the latest started one not yet rolled back', () => {
  const at = '2024-03-08T12:00:00Z';
  const batches = [
    { index: 0, pods: ['a'], phase: 'Succeeded' as const, startedAt: at },
    { index: 1, pods: ['b'], phase: 'RolledBack' as const, startedAt: at },
    { index: 2, pods: ['c'], phase: 'Running' as const, startedAt: at },
    { index: 3, pods: ['d'], phase: 'Pending' as const },
  ];
  assert.equal(batchBeingRolledBack(batches)?.index, 2);
  assert.equal(batchBeingRolledBack(batches.slice(0, 2))?.index, 0);
  assert.equal(batchBeingRolledBack([batches[1]!, batches[3]!]), undefined);
});
