import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideCsr, memberOfCsr, type JoinCsr } from './decide.js';
import { parseLabelSelector } from './selector-parse.js';

const JOIN = 'system:serviceaccount:plinth-fleet:plinth-join';
const csr = (over: Partial<JoinCsr> = {}): JoinCsr => ({
  name: 'plinth-member-edge-1-0a1b2c3d',
  signerName: 'kubernetes.io/kube-apiserver-client',
  requester: JOIN,
  commonName: 'plinth:member:edge-1',
  organizations: ['plinth:members'],
  signatureValid: true,
  requestedLabels: { tier: 'edge', region: 'east' },
  decided: false,
  issued: false,
  ...over,
});

test('the first CSR of an unknown member creates it, accepted only when the auto-accept selector matches', () => {
  assert.deepEqual(decideCsr(csr(), 'edge-1', JOIN, undefined, undefined), { action: 'create', labels: { tier: 'edge', region: 'east' }, accepted: false });
  assert.deepEqual(decideCsr(csr(), 'edge-1', JOIN, undefined, parseLabelSelector('tier=edge')), { action: 'create', labels: { tier: 'edge', region: 'east' }, accepted: true });
  assert.equal((decideCsr(csr(), 'edge-1', JOIN, undefined, parseLabelSelector('tier=province')) as { accepted: boolean }).accepted, false);
  // bad labels are dropped, not fatal
  const d = decideCsr(csr({ requestedLabels: { tier: 'edge', 'bad key!': 'x' } }), 'edge-1', JOIN, undefined, undefined);
  assert.deepEqual(d, { action: 'create', labels: { tier: 'edge' }, accepted: false });
});

test('CSRs that are not join CSRs are ignored; malformed join CSRs are denied', () => {
  assert.equal(decideCsr(csr({ requester: 'system:node:x' }), 'edge-1', JOIN, undefined, undefined).action, 'ignore');
  assert.equal(decideCsr(csr({ signerName: 'kubernetes.io/kubelet-serving' }), 'edge-1', JOIN, undefined, undefined).action, 'ignore');
  assert.equal(decideCsr(csr({ decided: true }), 'edge-1', JOIN, undefined, undefined).action, 'ignore');
  assert.equal(decideCsr(csr({ organizations: ['system:masters'] }), 'edge-1', JOIN, undefined, undefined).action, 'deny');
  assert.equal(decideCsr(csr({ organizations: ['plinth:members', 'system:masters'] }), 'edge-1', JOIN, undefined, undefined).action, 'deny');
  assert.equal(decideCsr(csr({ commonName: 'admin' }), 'edge-1', JOIN, undefined, undefined).action, 'deny');
  assert.equal(decideCsr(csr({ name: 'plinth-member-other-0a1b2c3d' }), 'edge-1', JOIN, undefined, undefined).action, 'deny');
  assert.equal(decideCsr(csr({ signatureValid: false }), 'edge-1', JOIN, undefined, undefined).action, 'deny');
});

test('a joined member refuses a second CSR; an unjoined one adopts it; the current CSR is approved once accepted', () => {
  const d = decideCsr(csr({ name: 'plinth-member-edge-1-ffffffff' }), 'edge-1', JOIN, { accepted: true, joined: true, csr: 'plinth-member-edge-1-0a1b2c3d' }, undefined);
  assert.equal(d.action, 'deny');
  assert.match((d as { message: string }).message, /has joined already/);
  assert.equal(decideCsr(csr({ name: 'plinth-member-edge-1-ffffffff' }), 'edge-1', JOIN, { accepted: false, joined: false, csr: 'plinth-member-edge-1-0a1b2c3d' }, undefined).action, 'adopt');
  assert.equal(decideCsr(csr(), 'edge-1', JOIN, { accepted: false, joined: false, csr: 'plinth-member-edge-1-0a1b2c3d' }, undefined).action, 'wait');
  assert.equal(decideCsr(csr(), 'edge-1', JOIN, { accepted: true, joined: false, csr: 'plinth-member-edge-1-0a1b2c3d' }, undefined).action, 'approve');
});

test('the member of a CSR comes from its CN, else its name', () => {
  assert.equal(memberOfCsr(csr()), 'edge-1');
  assert.equal(memberOfCsr(csr({ commonName: 'x' })), 'edge-1');
  assert.equal(memberOfCsr(csr({ signerName: 'other' })), undefined);
});

test("a renewal (the agent's own CSR, made with its current certificate) is approved only for an accepted, joined member", () => {
  const renewal = csr({ requester: 'plinth:member:edge-1', name: 'plinth-member-edge-1-99aa88bb' });
  const joined = { accepted: true, joined: true, csr: 'plinth-member-edge-1-0a1b2c3d' };
  assert.deepEqual(decideCsr(renewal, 'edge-1', JOIN, joined, undefined), { action: 'approve' });
  assert.equal(decideCsr(renewal, 'edge-1', JOIN, { ...joined, accepted: false }, undefined).action, 'deny');
  assert.equal(decideCsr(renewal, 'edge-1', JOIN, undefined, undefined).action, 'deny');
  assert.equal(decideCsr({ ...renewal, decided: true }, 'edge-1', JOIN, joined, undefined).action, 'ignore');
  // Another member's identity asking for edge-1's subject is not a renewal of edge-1: denied as a bad join, never approved.
  assert.notEqual(decideCsr(csr({ requester: 'plinth:member:edge-2', name: 'plinth-member-edge-1-99aa88bb' }), 'edge-1', JOIN, joined, undefined).action, 'approve');
  // The subject must stay the member's own.
  assert.equal(decideCsr({ ...renewal, commonName: 'plinth:member:edge-2' }, 'edge-1', JOIN, joined, undefined).action, 'deny');
  assert.equal(decideCsr({ ...renewal, organizations: ['system:masters'] }, 'edge-1', JOIN, joined, undefined).action, 'deny');
  assert.equal(decideCsr({ ...renewal, signatureValid: false }, 'edge-1', JOIN, joined, undefined).action, 'deny');
});
