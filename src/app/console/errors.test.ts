import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { KubeApiError } from '../../kube/api-error.js';
import { errorReply } from './errors.js';
import { impersonationHeaders } from './impersonate.js';

const forbidden = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code: 403,
  reason: 'Forbidden',
  message: 'releaseorders.apps.plinth.dev "web-1" is forbidden: User "bob" cannot patch resource "releaseorders" in API group "apps.plinth.dev" in the namespace "shop"',
  details: { name: 'web-1', group: 'apps.plinth.dev', kind: 'releaseorders' },
});

test("a refusal keeps the API server's status and message and names the verb and resource", () => {
  const r = errorReply(KubeApiError.fromResponse(403, forbidden, 'patch', 'releaseorders shop/web-1'));
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'KUBE_API');
  assert.match(r.body.message, /^releaseorders\.apps\.plinth\.dev "web-1" is forbidden: User "bob"/);
  assert.deepEqual(r.body.denied, { verb: 'patch', resource: 'releaseorders', group: 'apps.plinth.dev', namespace: 'shop' });
  assert.ok(r.body.hint.length > 0);
  const clusterWide = errorReply(
    KubeApiError.fromResponse(403, JSON.stringify({ kind: 'Status', code: 403, message: 'celldeployments.apps.plinth.dev is forbidden: User "bob" cannot list resource "celldeployments" in API group "apps.plinth.dev" at the cluster scope' }), 'get', 'x'),
  );
  assert.deepEqual(clusterWide.body.denied, { verb: 'list', resource: 'celldeployments', group: 'apps.plinth.dev', namespace: null });
  const notFound = errorReply(KubeApiError.fromResponse(404, '{"kind":"Status","code":404,"message":"not found"}', 'get', 'x'));
  assert.equal(notFound.status, 404);
  assert.equal(notFound.body.denied, undefined);
});

test('catalogue errors keep their status; anything else is a 500 INTERNAL', () => {
  assert.deepEqual(errorReply(new PlinthError('CONSOLE_CSRF')).status, 403);
  const r = errorReply(new Error('boom'));
  assert.equal(r.status, 500);
  assert.equal(r.body.code, 'INTERNAL');
  assert.match(r.body.message, /boom/);
});

test('impersonation headers: the user and each group once', () => {
  assert.deepEqual(impersonationHeaders({ user: 'alice', groups: ['dev', 'dev', 'system:authenticated'] }), { 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'system:authenticated'] });
  assert.deepEqual(impersonationHeaders({ user: 'alice', groups: [] }), { 'Impersonate-User': 'alice' });
});
