import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellDeployment, ReleasePolicy } from '../../api/index.js';
import { blackoutCheck, parameterCheck, POLICY_RECHECK_MS, preResult } from './pre.js';

const policy = (spec: Partial<ReleasePolicy['spec']>): ReleasePolicy =>
  ({ metadata: { name: 'p', namespace: 'n' }, spec: { selector: {}, onFailure: 'Pause', ...spec } }) as ReleasePolicy;

test('a blackout window in force blocks, names the window and its end', () => {
  const now = new Date('2026-11-22T10:00:00Z'); // a Sunday
  const p = policy({ preChecks: { blackoutWindows: [{ name: 'peak', timeZone: 'UTC', weekly: [{ days: ['Sun'], start: '09:00', end: '11:00' }] }] } });
  const b = blackoutCheck(p, now);
  assert.ok(b);
  assert.match(b.message, /"peak" of ReleasePolicy p is in force until 2026-11-22T11:00:00.000Z/);
  assert.equal(b.retryAfterMs, POLICY_RECHECK_MS);
  assert.equal(blackoutCheck(p, new Date('2026-11-22T11:00:00Z')), undefined);
  const last = blackoutCheck(p, new Date('2026-11-22T10:59:58Z'));
  assert.equal(last?.retryAfterMs, 2000, 'requeues at the end when it is near');
});

test('invalid windows block (fail closed)', () => {
  const p = policy({ preChecks: { blackoutWindows: [{ name: 'x', timeZone: 'Mars/Base', weekly: [{ days: ['Mon'], start: '01:00', end: '02:00' }] }] } });
  assert.match(blackoutCheck(p, new Date())?.message ?? '', /invalid blackout windows.*unknown time zone/);
});

test('parameter problems block with the message', () => {
  const cd = { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/Web:1', resources: { requests: { cpu: '10m', memory: '1Mi' } } }] } } } } as unknown as CellDeployment;
  const b = parameterCheck(policy({ preChecks: { parameters: { requireResources: true } } }), cd);
  assert.match(b?.message ?? '', /"registry.local\/Web:1" is not a valid image reference/);
  assert.equal(parameterCheck(policy({}), cd), undefined);
  assert.equal(preResult('p/parameters', 0, new Date(0), b).result, 'Blocked');
  assert.equal(preResult('p/parameters', 0, new Date(0), undefined).result, 'Passed');
});

test('the upgrade lock Lease is held while it has a holder and has not expired', async () => {
  const { leaseHeld } = await import('./pre.js');
  const now = new Date('2026-11-22T10:00:00Z');
  const client = (spec: Record<string, unknown> | undefined): never =>
    ({ get: () => (spec ? Promise.resolve({ metadata: {}, spec }) : Promise.reject(Object.assign(new Error('nf'), { code: 404, statusCode: 404 }))) }) as never;
  assert.equal(await leaseHeld(client({ holderIdentity: 'upgrader', renewTime: '2026-11-22T09:59:50Z', leaseDurationSeconds: 30 }), 'kube-system', 'upgrade', now), 'upgrader');
  assert.equal(await leaseHeld(client({ holderIdentity: 'upgrader', renewTime: '2026-11-22T09:59:00Z', leaseDurationSeconds: 30 }), 'kube-system', 'upgrade', now), undefined, 'expired');
  assert.equal(await leaseHeld(client({ leaseDurationSeconds: 30 }), 'kube-system', 'upgrade', now), undefined, 'no holder');
  assert.equal(await leaseHeld(client({ holderIdentity: 'upgrader' }), 'kube-system', 'upgrade', now), 'upgrader', 'no duration: held');
});
