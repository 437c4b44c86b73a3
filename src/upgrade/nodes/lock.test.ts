import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApiError } from '../../kube/api-error.js';
import type { LeaseLock, LeaseRecord } from '../../kube/leader.js';
import { releaseIfHeld } from './lock.js';

type Got = { record: LeaseRecord; version: string } | undefined;

/** A lease that answers `get` with `held` and each `update` with the next of `updates` (an error to throw, or a version). */
function lease(held: Got, updates: Array<Error | string>): Pick<LeaseLock, 'get' | 'update'> & { writes: number } {
  const l = {
    writes: 0,
    get: (): Promise<Got> => Promise.resolve(held),
    update: (): Promise<string> => {
      const u = updates[l.writes++] ?? 'v-next';
      return typeof u === 'string' ? Promise.resolve(u) : Promise.reject(u);
    },
  };
  return l;
}
const mine: Got = { record: { holderIdentity: 'run@host' }, version: '7' };

test('releaseIfHeld: a lease held by someone else, or vacated, is nothing to report', async () => {
  assert.equal(await releaseIfHeld(lease({ record: { holderIdentity: 'other@host' }, version: '7' }, []), 'run@host'), undefined);
  assert.equal(await releaseIfHeld(lease(undefined, []), 'run@host'), undefined);
  const l = lease(mine, ['8']);
  assert.equal(await releaseIfHeld(l, 'run@host'), undefined);
  assert.equal(l.writes, 1);
});

test('releaseIfHeld: a conflict is read again; what keeps failing is said, not swallowed', async () => {
  const conflict = new KubeApiError({ status: 409, reason: 'Conflict', message: 'the object has been modified', verb: 'update', target: 'leases/plinth-upgrade-nodes' });
  const l = lease(mine, [conflict, '9']);
  assert.equal(await releaseIfHeld(l, 'run@host'), undefined);
  assert.equal(l.writes, 2);
  const forbidden = new KubeApiError({ status: 403, message: 'leases is forbidden', verb: 'update', target: 'leases/plinth-upgrade-nodes' });
  const why = await releaseIfHeld(lease(mine, [conflict, forbidden, forbidden]), 'run@host');
  assert.match(why ?? '', /^vacating the lease failed: .*leases is forbidden/);
  const unreadable: Pick<LeaseLock, 'get' | 'update'> = { get: () => Promise.reject(new Error('connect ECONNREFUSED')), update: () => Promise.resolve('x') };
  assert.match((await releaseIfHeld(unreadable, 'run@host')) ?? '', /^reading the lease failed: connect ECONNREFUSED/);
});
