import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionChanges, memberStatus, type StatusInput } from './status.js';

const now = new Date('2026-12-07T20:00:00Z');
const input = (over: Partial<StatusInput> = {}): StatusInput => ({ name: 'edge-1', accepted: true, status: undefined, csr: 'issued', lease: undefined, now, ...over });
const cond = (s: { conditions?: { type: string; status: string; reason?: string }[] }, type: string): string => {
  const c = s.conditions?.find((x) => x.type === type);
  return `${c?.status}/${c?.reason}`;
};

test('not accepted: not joined, no namespace', () => {
  const { status } = memberStatus(input({ accepted: false, csr: 'pending' }));
  assert.equal(cond(status, 'Joined'), 'False/NotAccepted');
  assert.equal(cond(status, 'Ready'), 'False/NotJoined');
  assert.equal(status.namespace, undefined);
});

test('joined stays joined once the CSR is gone (the CSR cleaner removes issued ones after an hour)', () => {
  const first = memberStatus(input()).status;
  assert.equal(cond(first, 'Joined'), 'True/CertificateIssued');
  assert.equal(first.namespace, 'plinth-member-edge-1');
  assert.equal(cond(memberStatus(input({ status: first, csr: 'missing' })).status, 'Joined'), 'True/CertificateIssued');
  assert.equal(cond(memberStatus(input({ csr: 'pending' })).status, 'Joined'), 'False/CertificatePending');
});

test('connected while the Lease is current; rechecked when it runs out; Ready needs a report', () => {
  const lease = { renewTime: '2026-12-07T19:59:50.000000Z', leaseDurationSeconds: 40 };
  const out = memberStatus(input({ lease }));
  assert.equal(cond(out.status, 'Connected'), 'True/LeaseRenewed');
  assert.equal(out.recheckAfterMs, 30_500);
  assert.equal(out.status.lastHeartbeat, '2026-12-07T19:59:50Z');
  assert.equal(cond(out.status, 'Ready'), 'False/NoReport');
  const reported = memberStatus(input({ lease, status: { kubernetesVersion: 'v1.24.17', agentVersion: '0.1.0' } }));
  assert.equal(cond(reported.status, 'Ready'), 'True/AgentReporting');
  assert.equal(reported.status.kubernetesVersion, 'v1.24.17');
  const late = memberStatus(input({ lease, status: reported.status, now: new Date('2026-12-07T20:00:31Z') }));
  assert.equal(cond(late.status, 'Connected'), 'False/LeaseExpired');
  assert.equal(cond(late.status, 'Ready'), 'False/Disconnected');
  assert.equal(late.recheckAfterMs, undefined);
  assert.deepEqual(conditionChanges(reported.status, late.status).map((e) => e.reason), ['Disconnected', 'ReadyLost']);
  assert.equal(cond(memberStatus(input()).status, 'Connected'), 'False/NoLease');
});
