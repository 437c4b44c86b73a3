import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { chooseKind, parseName } from './resolve.js';
import { waitingOrder, webCd } from '../../../test/support/release-orders.js';

test('NAME forms: kubectl kinds, short names, plain names', () => {
  assert.deepEqual(parseName('web'), { kind: undefined, name: 'web' });
  for (const k of ['releaseorder', 'releaseorders', 'ro', 'RO', 'releaseorder.apps.plinth.dev', 'releaseorders.apps.plinth.dev']) {
    assert.deepEqual(parseName(`${k}/web-7c9b1a`), { kind: 'ReleaseOrder', name: 'web-7c9b1a' });
  }
  for (const k of ['celldeployment', 'celldeployments', 'cd', 'celldeploy', 'celldeployment.apps.plinth.dev']) {
    assert.deepEqual(parseName(`${k}/web`), { kind: 'CellDeployment', name: 'web' });
  }
  assert.throws(() => parseName('deployment/web'), (e: PlinthError) => e.code === 'INVALID_ARGUMENT' && /"deployment" is not a CellDeployment or ReleaseOrder kind/.test(e.message));
  assert.throws(() => parseName('ro/'), /not a valid object name/);
  assert.throws(() => parseName('Web'), /not a valid object name/);
  assert.throws(() => parseName('ro/a/b'), /not a valid object name/);
});

test('a plain NAME is a CellDeployment first, then a ReleaseOrder; ambiguity is said', () => {
  const cd = webCd();
  const order = { ...waitingOrder(), metadata: { ...waitingOrder().metadata, name: 'web' } };
  assert.deepEqual(chooseKind({ kind: undefined, name: 'web' }, { cd, order: undefined }, 'prod'), { kind: 'CellDeployment' });
  assert.deepEqual(chooseKind({ kind: undefined, name: 'web' }, { cd: undefined, order }, 'prod'), { kind: 'ReleaseOrder' });
  const both = chooseKind({ kind: undefined, name: 'web' }, { cd, order }, 'prod');
  assert.equal(both.kind, 'CellDeployment');
  assert.match(both.note ?? '', /"web" is both a CellDeployment and a ReleaseOrder in prod; using the CellDeployment \(its current release order is web-7c9b1a\); say releaseorder\/web for the other/);
  // The CellDeployment's current order is the ReleaseOrder of the same name: nothing ambiguous.
  assert.deepEqual(chooseKind({ kind: undefined, name: 'web' }, { cd: webCd({ releaseOrder: 'web' }), order }, 'prod'), { kind: 'CellDeployment' });
  // A CellDeployment without an order does not hide the ReleaseOrder.
  const noOrder = { ...cd, status: { ...cd.status, releaseOrder: undefined } };
  const r = chooseKind({ kind: undefined, name: 'web' }, { cd: noOrder, order }, 'prod');
  assert.equal(r.kind, 'ReleaseOrder');
  assert.match(r.note ?? '', /has no release order yet; using the ReleaseOrder named web/);
});

test('an explicit kind is taken as given; unknown names are one clear error', () => {
  const cd = webCd();
  const order = waitingOrder();
  assert.deepEqual(chooseKind({ kind: 'ReleaseOrder', name: 'web' }, { cd, order }, 'prod'), { kind: 'ReleaseOrder' });
  assert.deepEqual(chooseKind({ kind: 'CellDeployment', name: 'web' }, { cd, order }, 'prod'), { kind: 'CellDeployment' });
  assert.throws(
    () => chooseKind({ kind: undefined, name: 'nope' }, { cd: undefined, order: undefined }, 'prod'),
    (e: PlinthError) =>
      e.code === 'RELEASE_NOT_FOUND' &&
      e.message === 'no CellDeployment or ReleaseOrder named "nope" in namespace prod' &&
      e.hint.includes('kubectl get celldeployments,releaseorders -n prod') &&
      e.exitCode === 1,
  );
  assert.throws(() => chooseKind({ kind: 'ReleaseOrder', name: 'nope' }, { cd, order: undefined }, 'prod'), /no ReleaseOrder named "nope" in namespace prod/);
  assert.throws(() => chooseKind({ kind: 'CellDeployment', name: 'nope' }, { cd: undefined, order }, 'prod'), /no CellDeployment named "nope"/);
});
