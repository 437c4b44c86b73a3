import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

const job = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'extensions/v1beta1',
  kind: 'Job',
  metadata: { name: 'pi' },
  spec: { template: { metadata: { labels: { app: 'pi' } }, spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } }, ...spec },
});

test('extensions/v1beta1 Job becomes batch/v1; autoSelector turns into manualSelector with the opposite meaning', () => {
  const plain = convertObject(job({}), 6);
  assert.equal((plain.object as { apiVersion: string }).apiVersion, 'batch/v1');
  assert.equal((plain.object as { spec: Record<string, unknown> }).spec.manualSelector, undefined);
  const auto = convertObject(job({ autoSelector: true }), 34).object as { spec: Record<string, unknown> };
  assert.equal(auto.spec.manualSelector, false);
  assert.equal(auto.spec.autoSelector, undefined);
  const own = convertObject(job({ selector: { matchLabels: { app: 'pi' } } }), 34);
  assert.equal((own.object as { spec: Record<string, unknown> }).spec.manualSelector, true);
  assert.ok(own.changes.some((c) => c.includes('manualSelector: true')));
});
