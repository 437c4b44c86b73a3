import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleasePolicy } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { fakeCd, fakeOrder } from '../../../test/support/release-objects.js';
import { policyChecks } from './checks.js';

const now = new Date('2026-11-22T10:00:00Z');

function clientWith(policies: ReleasePolicy[]): KubeClient {
  return { list: () => Promise.resolve({ items: policies }) } as unknown as KubeClient;
}

test('pre-checks a policy does not configure are listed Skipped, never Passed', async () => {
  const p: ReleasePolicy = {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleasePolicy',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { selector: {}, onFailure: 'Pause', preChecks: { blackoutWindows: [{ name: 'never', timeZone: 'UTC', weekly: [{ days: ['Mon'], start: '01:00', end: '01:01' }] }] } },
  };
  const cd = fakeCd({ replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:::bad tag' }] } } });
  const v = await policyChecks(clientWith([p])).beforeBatch({ order: fakeOrder({}), cd, batch: 1, pods: [], now, signal: new AbortController().signal });
  assert.equal(v.result, 'Passed');
  assert.deepEqual(
    v.checks?.map((c) => [c.name, c.result, c.message]),
    [
      ['p/blackout', 'Passed', undefined],
      ['p/conflicts', 'Skipped', 'not configured in the policy'],
      ['p/parameters', 'Skipped', 'not configured in the policy'],
    ],
  );
});
